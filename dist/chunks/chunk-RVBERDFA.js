import{c as o}from"./chunk-NKKAZ43I.js";var s=o((t,e)=>{e.exports=process.getBuiltinModule("node:fs")});export{s as a};
//# sourceMappingURL=chunk-RVBERDFA.js.map
