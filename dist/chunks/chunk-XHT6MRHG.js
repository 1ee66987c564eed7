import{c as o}from"./chunk-NKKAZ43I.js";var i=o((l,e)=>{e.exports=process.getBuiltinModule("node:zlib")});export{i as a};
//# sourceMappingURL=chunk-XHT6MRHG.js.map
