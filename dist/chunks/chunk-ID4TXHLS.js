import{b as s}from"./chunk-FB5IOQ5D.js";var o=s((i,e)=>{e.exports=process.getBuiltinModule("node:fs/promises")});export{o as a};
//# sourceMappingURL=chunk-ID4TXHLS.js.map
