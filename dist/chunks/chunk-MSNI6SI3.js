import{a as p,b as s,c as l,d as g,e as f}from"./chunk-7M2ITOBU.js";function m(r){return`\`${r.replace(/[\r\n]+/g," ").replace(/`/g,"\u02CB").replace(/\|/g,"\\|")}\``}function o(r){return r.replace(/[\r\n]+/g," ").replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/([\\`*_{}[\]()#+!|~])/g,"\\$1").replace(/@/g,"@\u200B")}function d(r){return r.replace(/[\r\n]+/g," ").replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/"/g,"&quot;").replace(/@/g,"@\u200B")}function h(r){return typeof r=="string"?r:"code"in r?m(r.code):"untrusted"in r?o(r.untrusted):"mono"in r?`\`${r.mono}\``:`**${o(r.strong)}**`}function i(r){return s(r.map(h).join(""))}function u(r){return`|${r.map(e=>e===""?" ":` ${e} `).join("|")}|`}function $(r){return[u(r.columns.map(n=>o(s(n.title)))),u(r.columns.map(n=>n.align==="right"?"---:":"---")),...r.rows.map(n=>u(n.map(i)))].join(`
`)}function c(r){switch(r.kind){case"title":return`## ${i(r.line)}`;case"paragraph":return r.aside?`_${i(r.line)}_`:i(r.line);case"quote":return r.lines.map(e=>`> ${i(e)}`).join(`
`);case"heading":return`### ${o(s(r.text))}`;case"list":return r.items.map(e=>`- ${i(e)}`).join(`
`);case"table":return $(r);case"details":return[`<details><summary>${d(s(r.summary))}</summary>`,...r.blocks.map(c),"</details>"].join(`

`)}}function w(r,e){let n=[];if(!e.withoutRunReferences){let t=f(r,e.artifactUrl);t.runUrl&&n.push(`[Workflow run](${t.runUrl})`),t.sha&&n.push(`commit \`${t.sha}\``),t.artifactUrl&&n.push(`[Report artifact](${t.artifactUrl})`)}return n.push(...g(r,e).map(t=>o(t))),`<sub>${n.join(" \xB7 ")}</sub>`}function R(r,e={}){let[n,...t]=l(r,e.maxBreakdownLines??p),a=[c(n)];return e.change&&a.push(e.change),a.push(...t.map(c)),e.details&&a.push(e.details),a.push(w(r,e)),`${a.join(`

`)}
`}export{R as a};
//# sourceMappingURL=chunk-MSNI6SI3.js.map
