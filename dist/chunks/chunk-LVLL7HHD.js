import{b as o}from"./chunk-FB5IOQ5D.js";var t=o((p,e)=>{e.exports=process.getBuiltinModule("node:path")});export{t as a};
//# sourceMappingURL=chunk-LVLL7HHD.js.map
