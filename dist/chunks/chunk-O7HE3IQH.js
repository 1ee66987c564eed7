import{c as o}from"./chunk-NKKAZ43I.js";var t=o((p,e)=>{e.exports=process.getBuiltinModule("node:path")});export{t as a};
//# sourceMappingURL=chunk-O7HE3IQH.js.map
