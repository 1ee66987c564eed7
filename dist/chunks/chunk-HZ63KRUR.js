import{c as o}from"./chunk-NKKAZ43I.js";var t=o((p,e)=>{e.exports=process.getBuiltinModule("node:crypto")});export{t as a};
//# sourceMappingURL=chunk-HZ63KRUR.js.map
