import{b as o}from"./chunk-FB5IOQ5D.js";var s=o((t,e)=>{e.exports=process.getBuiltinModule("node:stream")});export{s as a};
//# sourceMappingURL=chunk-3SYNBTOL.js.map
