// advocomp web: the what-if panel and the plan draft loader. No inline script anywhere
// (the Content-Security-Policy forbids it); every figure comes from the server as text
// and is put in the page with textContent, never as markup.
(function () {
  "use strict";
  function whatIf(form) {
    var params = new URLSearchParams();
    var run = new URLSearchParams(window.location.search).get("run");
    if (run) params.set("run", run);
    form.querySelectorAll("input[name^='kpi.']").forEach(function (input) {
      if (input.value !== "") params.set(input.name, input.value);
    });
    var box = document.getElementById("whatif-result");
    box.setAttribute("data-state", "pending");
    fetch(form.getAttribute("data-endpoint") + "?" + params.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (res) {
        var list = document.getElementById("whatif-explanation");
        while (list.firstChild) list.removeChild(list.firstChild);
        box.hidden = false;
        if (!res.ok) {
          document.getElementById("whatif-payout").textContent = "-";
          document.getElementById("whatif-difference").textContent = "-";
          var li = document.createElement("li");
          li.className = "error";
          li.textContent = res.body.error || "the what-if failed";
          list.appendChild(li);
          box.setAttribute("data-state", "error");
          return;
        }
        document.getElementById("whatif-payout").textContent = res.body.payout;
        document.getElementById("whatif-payout").setAttribute("data-payout", res.body.payoutPlain);
        document.getElementById("whatif-difference").textContent = res.body.difference;
        document.getElementById("whatif-of-target").textContent = res.body.ofTarget;
        res.body.explanation.forEach(function (line) {
          var li = document.createElement("li");
          li.textContent = line;
          list.appendChild(li);
        });
        box.setAttribute("data-state", "done");
        box.setAttribute("data-query", params.toString());
      })
      .catch(function () { box.setAttribute("data-state", "error"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("whatif");
    if (form) {
      var timer = null;
      form.addEventListener("submit", function (e) { e.preventDefault(); whatIf(form); });
      form.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { whatIf(form); }, 150);
      });
      form.addEventListener("reset", function () { setTimeout(function () { whatIf(form); }, 0); });
    }
    var file = document.getElementById("draft-file");
    if (file) {
      file.addEventListener("change", function () {
        var f = file.files && file.files[0];
        if (!f) return;
        if (f.size > 1024 * 1024) { alert("The file is larger than 1 MiB: the server refuses it."); return; }
        var reader = new FileReader();
        reader.onload = function () { document.getElementById("draft").value = reader.result; };
        reader.readAsText(f);
      });
    }
  });
})();
