// The handbook's search worker. It takes the place of Material's (the build writes it over
// Material's worker file) and speaks the same messages to Material's search box, so the box, the
// result list and the highlighting on the page opened look and behave as before. What it reads
// is written by generator/search_index.py, which says what each file holds; the settings come
// in Material's search_index.json, under config.handbook.
//
// A query is cut into words against the words the index holds (the shards of its characters),
// words of asking are left out, each word also matches the longer terms it starts and a glossary
// term's other names; pages holding every word rank above pages holding some. The text of the
// best pages is then fetched to list the sections that matched and the sentence that did.
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const BASE = new URL("../../../search/", self.location.href);
const PREFIX_SHARE = 0.5; // a longer term starting with the word counts half
let settings = null;
let latest = 0;
const shards = new Map(); // shard number -> Promise of {term: entry}
const pages = new Map(); // page number -> Promise of {u, s: [[anchor, title, text]]}

// Whether a text starts with a Han character (its first code point, not its first UTF-16 unit:
// characters beyond U+FFFF are two).
function isHan(text) {
  const point = text.codePointAt(0);
  return settings.han.some(([a, b]) => a <= point && point <= b);
}

function shardOf(term) {
  const chars = Array.from(term);
  const key = isHan(chars[0]) ? chars.slice(0, 1) : chars.slice(0, 2);
  let value = 0;
  for (const char of key) value = (Math.imul(value, 31) + char.codePointAt(0)) >>> 0;
  return value % settings.shards;
}

async function fetchPacked(path) {
  const response = await fetch(new URL(`${path}?v=${settings.version}`, BASE));
  if (!response.ok) throw new Error(`${response.status} ${response.url}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // Gzip, unless the server already unpacked it (some send .gz with Content-Encoding).
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

function shard(term) {
  const n = shardOf(term);
  if (!shards.has(n)) {
    const loading = fetchPacked(`t/${n}.json.gz`);
    loading.catch(() => shards.delete(n)); // try again with the next query
    shards.set(n, loading);
  }
  return shards.get(n);
}

function page(n) {
  if (!pages.has(n)) {
    const loading = fetchPacked(`p/${n}.json.gz`);
    loading.catch(() => pages.delete(n));
    pages.set(n, loading);
  }
  return pages.get(n);
}

// The words of a query: runs of Han characters and runs of other letters and digits.
function runs(query) {
  const found = [];
  for (const [run] of query.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    let current = "", han = null;
    for (const char of run) {
      const h = isHan(char);
      if (current && h !== han) { found.push(current); current = ""; }
      current += char; han = h;
    }
    if (current) found.push(current);
  }
  return found;
}

// Cut a Han run into the longest words the index holds; characters no word starts with stay
// together. Words of asking are left out, and single characters when a longer word is left.
async function cut(run) {
  const chars = Array.from(run);
  const terms = await Promise.all(chars.map(shard));
  const longest = p => {
    for (let q = chars.length; q > p; q--) if (chars.slice(p, q).join("") in terms[p]) return q - p;
    return 0;
  };
  const words = [];
  for (let p = 0; p < chars.length;) {
    let n = longest(p);
    if (!n) { n = 1; while (p + n < chars.length && !longest(p + n)) n++; }
    words.push(chars.slice(p, p + n).join(""));
    p += n;
  }
  return words;
}

async function words(query) {
  const asked = new Set(settings.words);
  let found = [];
  for (const run of runs(query)) found.push(...(isHan(run) ? await cut(run) : [run]));
  found = found.filter(w => !asked.has(w));
  const long = found.filter(w => Array.from(w).length > 1);
  return [...new Set(long.length ? long : found)];
}

// Pages holding a term, with its weight there.
function postings(entry) {
  const held = new Map();
  if (typeof entry[1] !== "string") {
    for (let i = 0, p = 0; i < entry[1].length; i += 2) held.set(p += entry[1][i], entry[1][i + 1]);
    return held;
  }
  const bits = atob(entry[1]);
  for (let i = 0, k = 0; i < bits.length; i++) {
    const byte = bits.charCodeAt(i);
    for (let b = 0; b < 8; b++)
      if (byte & (1 << b)) held.set(i * 8 + b, entry[2].charCodeAt(k++) - settings.weight_zero);
  }
  return held;
}

// One group per word of the query: the word and the glossary's other names for it.
async function groups(query) {
  const synonyms = new Map(settings.synonyms);
  const list = (await words(query)).map(w => [w, ...(synonyms.get(w) || []).map(s => s.toLowerCase())]);
  const scored = [];
  for (const names of list) {
    const held = new Map();
    let best = 0;
    for (const name of names) {
      const terms = await shard(name);
      for (const [term, entry] of Object.entries(terms)) {
        if (!term.startsWith(name)) continue;
        const idf = Math.log(1 + settings.pages / entry[0]) * (term === name ? 1 : PREFIX_SHARE);
        best = Math.max(best, idf);
        for (const [p, weight] of postings(entry)) held.set(p, Math.max(held.get(p) || 0, idf * weight));
      }
    }
    scored.push({ word: names[0], names, held, idf: best });
  }
  return scored;
}

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The text with every name of the query marked; everything else escaped.
function mark(text, pattern) {
  let out = "", last = 0;
  if (pattern) for (const m of text.matchAll(pattern)) {
    out += escapeHTML(text.slice(last, m.index)) + `<mark>${escapeHTML(m[0])}</mark>`;
    last = m.index + m[0].length;
  }
  return out + escapeHTML(text.slice(last));
}

// The sentence of a section's text that holds most of the query's words, shortened around them.
function sentence(text, query) {
  const sentences = text.match(/[^。！？；!?;\n]+[。！？；!?;]?/gu) || [];
  let best = "", most = 0;
  for (const s of sentences) {
    const lower = s.toLowerCase();
    const n = query.filter(g => g.names.some(name => lower.includes(name))).length;
    if (n > most) { best = s.trim(); most = n; }
  }
  if (!best) return "";
  const chars = Array.from(best);
  if (chars.length <= 120) return best;
  const lower = best.toLowerCase();
  const at = Math.min(...query.flatMap(g => g.names.map(n => lower.indexOf(n))).filter(i => i >= 0));
  const start = Math.max(0, Array.from(best.slice(0, at)).length - 30);
  return (start ? "…" : "") + chars.slice(start, start + 120).join("") + "…";
}

async function search(query) {
  const query_ = await groups(query);
  if (!query_.length) return { items: [] };
  const found = new Map(); // page -> [score, words held]
  for (const g of query_)
    for (const [p, score] of g.held) {
      const seen = found.get(p) || [0, 0];
      found.set(p, [seen[0] + score, seen[1] + 1]);
    }
  const all = query_.length;
  const ranked = [...found].sort((a, b) =>
    (b[1][1] === all) - (a[1][1] === all) || b[1][0] - a[1][0] || a[0] - b[0]);
  const names = query_.flatMap(g => g.names).sort((a, b) => b.length - a.length);
  const pattern = names.length ? new RegExp(names.map(escapeRegExp).join("|"), "giu") : null;
  const shown = ranked.slice(0, settings.results);
  const docs = await Promise.all(shown.map(([p]) => page(p)));
  // The page's best sections carry its score (Material lists those; the others fold away).
  const items = docs.map((doc, i) => {
    const group = doc.s.map(([anchor, title, text], n) => {
      const lowerTitle = title.toLowerCase(), lowerText = text.toLowerCase();
      const terms = {};
      let weight = 0;
      for (const g of query_) {
        const inTitle = g.names.some(name => lowerTitle.includes(name));
        const inText = g.names.some(name => lowerText.includes(name));
        terms[g.word] = inTitle || inText;
        weight += g.idf * (inTitle ? 2 : inText ? 1 : 0);
      }
      return {
        location: anchor ? `${doc.u}#${anchor}` : doc.u,
        title: mark(title, pattern),
        text: mark(sentence(text, query_), pattern),
        weight,
        terms,
        n,
      };
    }).filter(item => item.weight > 0 || item.n === 0);
    const most = Math.max(...group.map(item => item.weight)) || 1;
    return group
      .map(({ weight, n, ...item }) => ({ ...item, score: shown[i][1][0] * weight / most }))
      .sort((a, b) => b.score - a.score);
  });
  return { items };
}

addEventListener("message", async ({ data: message }) => {
  if (message.type === SETUP) {
    settings = message.data.config.handbook;
    postMessage({ type: READY });
  } else if (message.type === QUERY) {
    const asked = ++latest;
    let data;
    try {
      data = await search(message.data);
    } catch (error) {
      console.warn("搜索失败:", error);
      data = { items: [] };
    }
    if (asked === latest) postMessage({ type: RESULT, data }); // a newer query answers instead
  }
});
