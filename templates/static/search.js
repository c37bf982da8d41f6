// Static search: the index is split into small scripts (search/terms/N.js, search/records/N.js);
// a query loads only the ones its terms need. Script tags, unlike fetch, also work from file://.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var root = form.getAttribute("data-root") || "";
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  var meta = null, shards = {}, chunks = {}, waiting = {};

  function done(key, value) { (waiting[key] || []).forEach(function (f) { f(value); }); delete waiting[key]; }
  window.heshuSearch = {
    meta: function (m) { meta = m; done("meta", m); },
    shard: function (a) { shards[a[0]] = a[1]; done("t" + a[0], a[1]); },
    records: function (a) { chunks[a[0]] = a[1]; done("r" + a[0], a[1]); }
  };
  function load(key, src, have) {
    if (have !== undefined) return Promise.resolve(have);
    return new Promise(function (resolve, reject) {
      var first = !waiting[key];
      (waiting[key] = waiting[key] || []).push(resolve);
      if (!first) return;
      var s = document.createElement("script");
      s.src = root + "search/" + src;
      s.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(s);
    });
  }
  function fnv1a(term) {
    var bytes = new TextEncoder().encode(term), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function shift(num, zeros) {  // "991.3", 8 -> "99130000000" without floating point
    var parts = num.split("."), digits = parts[0] + (parts[1] || ""), point = parts[0].length + zeros;
    while (digits.length < point) digits += "0";
    var whole = digits.slice(0, point).replace(/^0+(?=\d)/, ""), frac = digits.slice(point).replace(/0+$/, "");
    return frac ? whole + "." + frac : whole;
  }
  var MULT = { "万": 4, "亿": 8, "万亿": 12 };
  function parse(query) {
    var q = query.normalize("NFKC").toLowerCase().replace(/(\d)\s+(?=[万亿\d.])/g, "$1");
    var groups = [], boosts = [];
    q = q.replace(/(\d+(?:\.\d+)?)(万亿|亿|万)?/g, function (all, num, mult) {
      groups.push(mult ? ["v:" + shift(num, MULT[mult])] : ["v:" + shift(num, 0), "l:" + num]);
      return " ";
    });
    (q.match(/[\u3400-\u9fff]+/g) || []).forEach(function (run) {
      if (run.length < 2) return;
      for (var i = 0; i < run.length - 1; i++) groups.push(["b:" + run.slice(i, i + 2)]);
      boosts.push(run);
    });
    (q.match(/[a-z][a-z0-9]*/g) || []).forEach(function (w) { groups.push(["l:" + w]); });
    return { groups: groups, boosts: boosts };
  }
  function postings(term) {
    var n = fnv1a(term) % meta.shards;
    return load("t" + n, "terms/" + n + ".js", shards[n]).then(function (shard) { return shard[term] || []; });
  }
  function search(query) {
    var p = parse(query);
    if (!p.groups.length) return Promise.resolve(null);
    return load("meta", "meta.js", meta || undefined).then(function () {
      var lookups = p.groups.map(function (g) {
        return Promise.all(g.map(postings)).then(function (lists) {
          var set = {}; lists.forEach(function (l) { l.forEach(function (i) { set[i] = true; }); }); return set;
        });
      });
      return Promise.all(lookups);
    }).then(function (sets) {
      var hits = Object.keys(sets[0]).map(Number).filter(function (i) {
        return sets.every(function (s) { return s[i]; });
      });
      hits.sort(function (a, b) { return a - b; });
      hits.words = p.boosts;
      return hits;
    });
  }
  function show(hits, query) {
    list.textContent = "";
    if (hits === null) { status.textContent = "请输入至少两个字或一个数字。"; return; }
    var summary = hits.length ? "找到 " + hits.length + " 条结果：" + query : "没有找到：" + query;
    var top = hits.slice(0, 60);
    var needed = {};
    top.forEach(function (i) { needed[Math.floor(i / meta.chunk)] = true; });
    Promise.all(Object.keys(needed).map(function (c) {
      return load("r" + c, "records/" + c + ".js", chunks[c]);
    })).then(function () {
      function record(i) { return chunks[Math.floor(i / meta.chunk)][i % meta.chunk]; }
      function score(i) {  // the whole word in the title first, then claims before paragraphs
        var r = record(i), s = r[0] === "claim" ? 1 : 0;
        (hits.words || []).forEach(function (w) { if (r[1].indexOf(w) >= 0) s += 2; });
        return s;
      }
      top.sort(function (a, b) { return score(b) - score(a) || a - b; });
      top.slice(0, 50).forEach(function (i) {
        var rec = record(i);
        var li = document.createElement("li"), a = document.createElement("a"), p = document.createElement("p");
        a.href = root + rec[3];
        a.textContent = (rec[0] === "claim" ? "数字：" : "原文：") + rec[1];
        p.textContent = rec[2];
        li.appendChild(a); li.appendChild(p); list.appendChild(li);
      });
      status.textContent = summary;  // last, so that the list is complete when it is announced
    });
  }
  function run(query) {
    status.textContent = "搜索中…";
    search(query).then(function (hits) { show(hits, query); }, function () {
      status.textContent = "搜索索引无法加载。";
    });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var query = input.value.trim();
    if (history.replaceState && location.protocol !== "file:") history.replaceState(null, "", "?q=" + encodeURIComponent(query));
    run(query);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; run(initial); }
})();
