import{b as o}from"./chunk-FB5IOQ5D.js";var i=o((l,e)=>{e.exports=process.getBuiltinModule("node:zlib")});export{i as a};
//# sourceMappingURL=chunk-DPFQMCBQ.js.map
