import{c as s}from"./chunk-NKKAZ43I.js";var o=s((i,e)=>{e.exports=process.getBuiltinModule("node:fs/promises")});export{o as a};
//# sourceMappingURL=chunk-5LQKM5DA.js.map
