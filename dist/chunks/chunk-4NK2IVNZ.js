import{b as o}from"./chunk-FB5IOQ5D.js";var t=o((p,e)=>{e.exports=process.getBuiltinModule("node:crypto")});export{t as a};
//# sourceMappingURL=chunk-4NK2IVNZ.js.map
