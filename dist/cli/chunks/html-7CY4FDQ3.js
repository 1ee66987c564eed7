import{b as p,c as F,h as L,i as O,j as z,k as D,l as P,m as _,n as et}from"./chunk-WYEIJ6R2.js";import"./chunk-WPZGJ4SH.js";import{c as tt}from"./chunk-KVMUXFPB.js";var K=tt(et(),1);function u(t){return z(t).replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/"/g,"&quot;").replace(/'/g,"&#39;")}var nt=30;function U(t){let e=0,n=1/0,r=-1/0;for(let s=0;s<t.length;s+=1){let c=t[s];Number.isFinite(c)&&(e+=1,n=Math.min(n,c),r=Math.max(r,c))}if(e===0)return[];let o=Math.min(nt,Math.ceil(Math.log2(e))+1),i=(r-n)/o;if(!(i>0)||!Number.isFinite(i))return[{from:n,to:r,count:e}];let l=Array.from({length:o},(s,c)=>({from:n+c*i,to:c===o-1?r:n+(c+1)*i,count:0}));for(let s=0;s<t.length;s+=1){let c=t[s];Number.isFinite(c)&&(l[Math.min(o-1,Math.floor((c-n)/i))].count+=1)}return l}function rt(t){let e=new Float64Array(t.length);for(let n=0;n<t.length;n+=1){let r=t[n].total;e[n]=Number.isFinite(r)?r:Number.NaN}return e}var N=640;function S(t,e,n,r){return e>t?o=>n+(o-t)/(e-t)*(r-n):()=>(n+r)/2}var y=t=>(Math.round(t*10)/10).toString();function j(t,e,n,r,o,i){let l=i?`<title>${u(i)}</title>`:"",[s,c]=[y(Math.max(0,r)),y(Math.max(0,o))],d=`x="${y(e)}" y="${y(n)}" width="${s}" height="${c}"`;return`<rect class="${t}" ${d}>${l}</rect>`}function x(t,e,n,r="start",o="label"){let i=`x="${y(t)}" y="${y(e)}" text-anchor="${r}"`;return`<text class="${o}" ${i}>${u(n)}</text>`}function C(t,e,n,r,o,i){let l=e>N/2?"end":"start",s=l==="end"?-4:4;return`<line class="${t}" x1="${y(e)}" x2="${y(e)}" y1="${y(n)}" y2="${y(r)}"/>`+x(e+s,o,i,l,`label ${t}`)}function A(t,e,n,r){return`<svg id="${t}" class="chart" viewBox="0 0 ${N} ${e}" role="img" aria-label="${u(n)}" xmlns="http://www.w3.org/2000/svg">
${r}
</svg>`}function W(t){let e=U(rt(t.observations));if(e.length===0)return null;let n=t.vocabulary.perRecordDecimals,r=t.estimate?.mean,o=t.projection,i=o&&o.recordCount>0?o.upper/o.recordCount:void 0,l=[r,i].filter(m=>m!==void 0&&Number.isFinite(m)),s=e[0],c=e[e.length-1],d=Math.min(s.from,...l),g=Math.max(c.to,...l);d===g&&([d,g]=[d-Math.max(Math.abs(d)*.5,.01),g+Math.max(g*.5,.01)]);let[f,a,h,b]=[44,200,40,N-16],$=S(d,g,h,b),M=Math.max(...e.map(m=>m.count)),v=S(0,M,a,f),B=e.map(m=>{let J=p(m.from,n),Q=p(m.to,n),V=`${m.count} ${m.count===1?"record":"records"} from ${J} to ${Q}`,[q,Z]=m.to>m.from?[$(m.from),$(m.to)]:[$(m.from)-10,$(m.from)+10],E=m.count>0?Math.min(v(m.count),a-2):a;return j("bin",q+1,E,Z-q-2,a-E,V)}),R=t.vocabulary.unit,k=[...B,`<line class="axis" x1="${h}" x2="${b}" y1="${a}" y2="${a}"/>`,x(h,a+16,p(d,n)),x(b,a+16,p(g,n),"end"),x((h+b)/2,a+34,`${R} per record`,"middle"),x(h-6,v(M)+4,String(M),"end"),x(h-6,a,"0","end")];if(r!==void 0&&Number.isFinite(r)&&k.push(C("mean",$(r),f-6,a,14,`mean ${p(r,n)}`)),i!==void 0&&Number.isFinite(i)){let m=`upper bound per record ${p(i,n)}`;k.push(C("upper",$(i),f-6,a,30,m))}let G=`Histogram of the cost of ${t.observations.length} observed records in ${e.length} bars`;return A("histogram",240,G,k.join(`
`))}function T(t){let{projection:e,gate:n}=t;if(!e||!n)return null;let r=t.vocabulary.unit,o=[e.projected,e.upper,n.limit].filter(v=>Number.isFinite(v)),i=Math.min(0,...o),l=Math.max(0,...o)*1.04||1,[s,c,d,g]=[38,28,16,N-16],f=S(i,l,d,g),a=Number.isFinite(e.projected)?e.projected:l,h=Number.isFinite(e.upper)?e.upper:l,b=[[`projected ${p(e.projected)} ${r}`,"projected"],[`upper bound ${p(e.upper)} (${F(e.confidence)} confidence)`,"bound"],[`limit ${p(n.limit)}`,"limit-key"]].map(([v,B],R)=>{let k=s+c+22+R*18;return j(`key ${B}`,d,k-10,12,12)+x(d+18,k,v)}),$=[j("track",d,s,g-d,c),j("bound",f(Math.min(a,h)),s,f(h)-f(a),c),j("projected",f(0),s,f(a)-f(0),c),C("limit",f(n.limit),s-22,s+c+4,s-10,`limit ${p(n.limit)}`),...b],M=[`Budget: projected ${p(e.projected)}`,`upper bound ${p(e.upper)}`,`limit ${p(n.limit)} ${r}`].join(", ");return A("budget",s+c+22+54,M,$.join(`
`))}function ot(t,e=32){return t.length>e?`${t.slice(0,e-1)}\u2026`:t}function X(t){let e=(t.estimate?.byNode??[]).slice(0,O);if(e.length===0)return null;let n=t.vocabulary.perRecordDecimals,[r,o,i]=[24,230,N-140],l=Math.max(0,...e.map(a=>a.total)),s=S(0,l||1,o,i),c=e.map((a,h)=>{let b=8+h*r,$=`${p(a.total,n)} (${F(a.share)})`;return x(o-8,b+15,ot(a.key),"end")+j("node-bar",o,b+3,s(a.total)-o,r-8,`${a.key} (${a.kind})`)+x(s(a.total)+6,b+15,$)}),{part:d,unit:g}=t.vocabulary,f=`Cost by ${d} in ${g} per record, ${e.length} bars`;return A("nodes",16+e.length*r,f,c.join(`
`))}var Y=`
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --bar: #0969da; --bound: #54aeff; --limit: #cf222e; --mean: #1a7f37; --track: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #f0f6fc; --muted: #9198a1; --line: #3d444d;
  --bar: #4493f8; --bound: #1f6feb; --limit: #f85149; --mean: #3fb950; --track: #151b23; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif, "Apple Color Emoji",
  "Segoe UI Emoji", "Noto Color Emoji"; color: var(--fg); margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; }
.right { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.9em; }
blockquote { border-left: 4px solid var(--line); margin: 0; padding: 0 1em; color: var(--muted); }
.aside, footer { color: var(--muted); font-size: 0.9em; }
.charts { display: grid; gap: 16px; }
figure { margin: 0; max-width: 760px; } figcaption { font-weight: 600; }
svg.chart { width: 100%; height: auto; }
.label { font: 12px system-ui, sans-serif; fill: var(--fg); }
.bin, .node-bar, .projected { fill: var(--bar); }
.bound { fill: var(--bound); } .track { fill: var(--track); stroke: var(--line); }
.limit-key { fill: var(--limit); }
line.axis { stroke: var(--muted); }
line.mean { stroke: var(--mean); stroke-width: 2; } text.mean { fill: var(--mean); }
line.upper { stroke: var(--limit); stroke-width: 2; stroke-dasharray: 5 3; }
text.upper, text.limit { fill: var(--limit); }
line.limit { stroke: var(--limit); stroke-width: 3; }
`,it=["default-src 'none'",`style-src 'sha256-${(0,K.createHash)("sha256").update(Y).digest("base64")}'`,"base-uri 'none'","form-action 'none'"].join("; ");function st(t){return typeof t=="string"?u(t):"code"in t?`<code>${u(t.code)}</code>`:"untrusted"in t?u(t.untrusted):"mono"in t?`<span class="mono">${u(t.mono)}</span>`:`<strong>${u(t.strong)}</strong>`}var w=t=>t.map(st).join("");function at(t){let e=i=>t.columns[i]?.align==="right"?' class="right"':"",n=t.columns.map((i,l)=>`<th${e(l)}>${u(i.title)}</th>`).join(""),o=["<tbody>",...t.rows.map(i=>`<tr>${i.map((l,s)=>`<td${e(s)}>${w(l)}</td>`).join("")}</tr>`),"</tbody>"].join(`
`);return`<table>
<thead><tr>${n}</tr></thead>
${o}
</table>`}function I(t){switch(t.kind){case"title":return`<h1>${w(t.line)}</h1>`;case"paragraph":return t.aside?`<p class="aside">${w(t.line)}</p>`:`<p>${w(t.line)}</p>`;case"quote":return`<blockquote>
${t.lines.map(e=>`<p>${w(e)}</p>`).join(`
`)}
</blockquote>`;case"heading":return`<h2>${u(t.text)}</h2>`;case"list":return`<ul>
${t.items.map(e=>`<li>${w(e)}</li>`).join(`
`)}
</ul>`;case"table":return at(t);case"details":return[`<details open><summary>${u(t.summary)}</summary>`,...t.blocks.map(I),"</details>"].join(`
`)}}function H(t,e,n){if(!n)return"";let r=`<figcaption>${u(e)}</figcaption>`;return`<figure id="${t}-figure">
${r}
${n}
</figure>`}function ct(t){let{unit:e,part:n}=t.vocabulary,r=[H("budget",`Budget (${e})`,T(t)),H("histogram",`Observed cost per record (${e})`,W(t)),H("nodes",`Cost by ${n} (${e} per record)`,X(t))].filter(o=>o!=="");return r.length===0?"":`<section class="charts" aria-label="Charts">
${r.join(`
`)}
</section>`}function lt(t){let e=[],{runUrl:n,sha:r}=_(t);return n&&e.push(`<a href="${u(n)}" rel="noopener noreferrer">Workflow run</a>`),r&&e.push(`commit <code>${u(r)}</code>`),e.push(...P(t).map(u)),`<footer>${e.join(" \xB7 ")}</footer>`}function bt(t){let e=D(t),n=e.findIndex((s,c)=>c>0&&s.kind!=="quote"),[r,o]=n<0?[e,[]]:[e.slice(0,n),e.slice(n)],i=t.subjectName??t.subject,l=`Batch cost gate: ${L(t).heading.words} \u2014 ${i}`;return["<!doctype html>",'<html lang="en">',"<head>",'<meta charset="utf-8">',`<meta http-equiv="Content-Security-Policy" content="${it}">`,'<meta name="referrer" content="no-referrer">','<meta name="viewport" content="width=device-width, initial-scale=1">',`<title>${u(l)}</title>`,`<style>${Y}</style>`,"</head>","<body>","<main>",...r.map(I),ct(t),...o.map(I),lt(t),"</main>","</body>","</html>",""].join(`
`)}export{u as escapeHtml,U as histogramBins,bt as renderHtml};
//# sourceMappingURL=html-7CY4FDQ3.js.map
