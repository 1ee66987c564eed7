import{b as p,c as C,h as A,i as z,j as D,k as P,l as _,m as O,n as et}from"./chunk-YVMEA5LN.js";import{d as tt}from"./chunk-XBJKSIMP.js";var K=tt(et(),1);function u(t){return D(t).replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/"/g,"&quot;").replace(/'/g,"&#39;")}var nt=30;function U(t){let e=t.filter(s=>Number.isFinite(s));if(e.length===0)return[];let n=e.reduce((s,l)=>Math.min(s,l)),r=e.reduce((s,l)=>Math.max(s,l)),o=Math.min(nt,Math.ceil(Math.log2(e.length))+1),i=(r-n)/o;if(!(i>0)||!Number.isFinite(i))return[{from:n,to:r,count:e.length}];let c=Array.from({length:o},(s,l)=>({from:n+l*i,to:l===o-1?r:n+(l+1)*i,count:0}));for(let s of e)c[Math.min(o-1,Math.floor((s-n)/i))].count+=1;return c}var S=640;function B(t,e,n,r){return e>t?o=>n+(o-t)/(e-t)*(r-n):()=>(n+r)/2}var x=t=>(Math.round(t*10)/10).toString();function j(t,e,n,r,o,i){let c=i?`<title>${u(i)}</title>`:"",[s,l]=[x(Math.max(0,r)),x(Math.max(0,o))],d=`x="${x(e)}" y="${x(n)}" width="${s}" height="${l}"`;return`<rect class="${t}" ${d}>${c}</rect>`}function y(t,e,n,r="start",o="label"){let i=`x="${x(t)}" y="${x(e)}" text-anchor="${r}"`;return`<text class="${o}" ${i}>${u(n)}</text>`}function F(t,e,n,r,o,i){let c=e>S/2?"end":"start",s=c==="end"?-4:4;return`<line class="${t}" x1="${x(e)}" x2="${x(e)}" y1="${x(n)}" y2="${x(r)}"/>`+y(e+s,o,i,c,`label ${t}`)}function H(t,e,n,r){return`<svg id="${t}" class="chart" viewBox="0 0 ${S} ${e}" role="img" aria-label="${u(n)}" xmlns="http://www.w3.org/2000/svg">
${r}
</svg>`}function W(t){let e=U(t.observations.map(m=>m.total));if(e.length===0)return null;let n=t.vocabulary.perRecordDecimals,r=t.estimate?.mean,o=t.projection,i=o&&o.recordCount>0?o.upper/o.recordCount:void 0,c=[r,i].filter(m=>m!==void 0&&Number.isFinite(m)),s=e[0],l=e[e.length-1],d=Math.min(s.from,...c),g=Math.max(l.to,...c);d===g&&([d,g]=[d-Math.max(Math.abs(d)*.5,.01),g+Math.max(g*.5,.01)]);let[f,a,h,$]=[44,200,40,S-16],b=B(d,g,h,$),M=Math.max(...e.map(m=>m.count)),v=B(0,M,a,f),N=e.map(m=>{let J=p(m.from,n),Q=p(m.to,n),V=`${m.count} ${m.count===1?"record":"records"} from ${J} to ${Q}`,[I,Z]=m.to>m.from?[b(m.from),b(m.to)]:[b(m.from)-10,b(m.from)+10],L=m.count>0?Math.min(v(m.count),a-2):a;return j("bin",I+1,L,Z-I-2,a-L,V)}),R=t.vocabulary.unit,k=[...N,`<line class="axis" x1="${h}" x2="${$}" y1="${a}" y2="${a}"/>`,y(h,a+16,p(d,n)),y($,a+16,p(g,n),"end"),y((h+$)/2,a+34,`${R} per record`,"middle"),y(h-6,v(M)+4,String(M),"end"),y(h-6,a,"0","end")];if(r!==void 0&&Number.isFinite(r)&&k.push(F("mean",b(r),f-6,a,14,`mean ${p(r,n)}`)),i!==void 0&&Number.isFinite(i)){let m=`upper bound per record ${p(i,n)}`;k.push(F("upper",b(i),f-6,a,30,m))}let G=`Histogram of the cost of ${t.observations.length} observed records in ${e.length} bars`;return H("histogram",240,G,k.join(`
`))}function T(t){let{projection:e,gate:n}=t;if(!e||!n)return null;let r=t.vocabulary.unit,o=[e.projected,e.upper,n.limit].filter(v=>Number.isFinite(v)),i=Math.min(0,...o),c=Math.max(0,...o)*1.04||1,[s,l,d,g]=[38,28,16,S-16],f=B(i,c,d,g),a=Number.isFinite(e.projected)?e.projected:c,h=Number.isFinite(e.upper)?e.upper:c,$=[[`projected ${p(e.projected)} ${r}`,"projected"],[`upper bound ${p(e.upper)} (${C(e.confidence)} confidence)`,"bound"],[`limit ${p(n.limit)}`,"limit-key"]].map(([v,N],R)=>{let k=s+l+22+R*18;return j(`key ${N}`,d,k-10,12,12)+y(d+18,k,v)}),b=[j("track",d,s,g-d,l),j("bound",f(Math.min(a,h)),s,f(h)-f(a),l),j("projected",f(0),s,f(a)-f(0),l),F("limit",f(n.limit),s-22,s+l+4,s-10,`limit ${p(n.limit)}`),...$],M=[`Budget: projected ${p(e.projected)}`,`upper bound ${p(e.upper)}`,`limit ${p(n.limit)} ${r}`].join(", ");return H("budget",s+l+22+54,M,b.join(`
`))}function rt(t,e=32){return t.length>e?`${t.slice(0,e-1)}\u2026`:t}function X(t){let e=(t.estimate?.byNode??[]).slice(0,z);if(e.length===0)return null;let n=t.vocabulary.perRecordDecimals,[r,o,i]=[24,230,S-140],c=Math.max(0,...e.map(a=>a.total)),s=B(0,c||1,o,i),l=e.map((a,h)=>{let $=8+h*r,b=`${p(a.total,n)} (${C(a.share)})`;return y(o-8,$+15,rt(a.key),"end")+j("node-bar",o,$+3,s(a.total)-o,r-8,`${a.key} (${a.kind})`)+y(s(a.total)+6,$+15,b)}),{part:d,unit:g}=t.vocabulary,f=`Cost by ${d} in ${g} per record, ${e.length} bars`;return H("nodes",16+e.length*r,f,l.join(`
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
`,ot=["default-src 'none'",`style-src 'sha256-${(0,K.createHash)("sha256").update(Y).digest("base64")}'`,"base-uri 'none'","form-action 'none'"].join("; ");function it(t){return typeof t=="string"?u(t):"code"in t?`<code>${u(t.code)}</code>`:"untrusted"in t?u(t.untrusted):"mono"in t?`<span class="mono">${u(t.mono)}</span>`:`<strong>${u(t.strong)}</strong>`}var w=t=>t.map(it).join("");function st(t){let e=i=>t.columns[i]?.align==="right"?' class="right"':"",n=t.columns.map((i,c)=>`<th${e(c)}>${u(i.title)}</th>`).join(""),o=["<tbody>",...t.rows.map(i=>`<tr>${i.map((c,s)=>`<td${e(s)}>${w(c)}</td>`).join("")}</tr>`),"</tbody>"].join(`
`);return`<table>
<thead><tr>${n}</tr></thead>
${o}
</table>`}function E(t){switch(t.kind){case"title":return`<h1>${w(t.line)}</h1>`;case"paragraph":return t.aside?`<p class="aside">${w(t.line)}</p>`:`<p>${w(t.line)}</p>`;case"quote":return`<blockquote>
${t.lines.map(e=>`<p>${w(e)}</p>`).join(`
`)}
</blockquote>`;case"heading":return`<h2>${u(t.text)}</h2>`;case"list":return`<ul>
${t.items.map(e=>`<li>${w(e)}</li>`).join(`
`)}
</ul>`;case"table":return st(t);case"details":return[`<details open><summary>${u(t.summary)}</summary>`,...t.blocks.map(E),"</details>"].join(`
`)}}function q(t,e,n){if(!n)return"";let r=`<figcaption>${u(e)}</figcaption>`;return`<figure id="${t}-figure">
${r}
${n}
</figure>`}function at(t){let{unit:e,part:n}=t.vocabulary,r=[q("budget",`Budget (${e})`,T(t)),q("histogram",`Observed cost per record (${e})`,W(t)),q("nodes",`Cost by ${n} (${e} per record)`,X(t))].filter(o=>o!=="");return r.length===0?"":`<section class="charts" aria-label="Charts">
${r.join(`
`)}
</section>`}function ct(t){let e=[],{runUrl:n,sha:r}=O(t);return n&&e.push(`<a href="${u(n)}" rel="noopener noreferrer">Workflow run</a>`),r&&e.push(`commit <code>${u(r)}</code>`),e.push(..._(t).map(u)),`<footer>${e.join(" \xB7 ")}</footer>`}function ht(t){let e=P(t),n=e.findIndex((s,l)=>l>0&&s.kind!=="quote"),[r,o]=n<0?[e,[]]:[e.slice(0,n),e.slice(n)],i=t.subjectName??t.subject,c=`Batch cost gate: ${A(t).heading.words} \u2014 ${i}`;return["<!doctype html>",'<html lang="en">',"<head>",'<meta charset="utf-8">',`<meta http-equiv="Content-Security-Policy" content="${ot}">`,'<meta name="referrer" content="no-referrer">','<meta name="viewport" content="width=device-width, initial-scale=1">',`<title>${u(c)}</title>`,`<style>${Y}</style>`,"</head>","<body>","<main>",...r.map(E),at(t),...o.map(E),ct(t),"</main>","</body>","</html>",""].join(`
`)}export{u as escapeHtml,U as histogramBins,ht as renderHtml};
//# sourceMappingURL=html-AL2JIDAA.js.map
