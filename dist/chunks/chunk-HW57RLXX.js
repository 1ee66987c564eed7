function e(r,t,n){return n==="cli"?t===void 0?`--${r}`:`--${r} ${t}`:t===void 0?r:`${r}: ${t}`}function i(r){return(t,n)=>e(t,n,r)}function u(r,t){return t==="cli"?`--${r}`:`Input '${r}'`}export{i as a,u as b};
//# sourceMappingURL=chunk-HW57RLXX.js.map
