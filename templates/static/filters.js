// The claim list's filters: every row is in the page; filtering only hides rows.
(function () {
  var form = document.getElementById("filters");
  var table = document.getElementById("claims-table");
  if (!form || !table) return;
  form.hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var shown = document.getElementById("shown");
  function apply() {
    var f = {
      doc: form.doc.value, year: form.year.value, kind: form.kind.value,
      verdict: form.verdict.value, subject: form.subject.value.trim()
    };
    var n = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var ok = (!f.doc || d.doc === f.doc) && (!f.year || d.year === f.year) && (!f.kind || d.kind === f.kind) &&
        (!f.verdict || d.verdict === f.verdict) && (!f.subject || d.subject.indexOf(f.subject) >= 0);
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = "显示 " + n + " / " + rows.length + " 个数字";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  apply();
})();
