"""A playground page: ask for a report, then watch its task's state change. Playground only."""

from django.http import HttpResponse

PAGE = """<!doctype html>
<meta charset="utf-8">
<title>17 django_celery</title>
<style>body{font:16px system-ui;margin:2em;max-width:44em} pre{background:#f4f4f4;padding:1em}</style>
<h1>Ask for a report / 生成报告</h1>
<form id="ask"><input name="title" value="Quarterly sales report" size="40">
<button>POST /api/reports/</button></form>
<h2>POST answer</h2><pre id="post">–</pre>
<h2>GET status (every 0.5 s)</h2><pre id="status">–</pre>
<p>The worker runs in its own process: stop it and the state stays PENDING. /
worker 是另一个进程：停掉它，状态会一直是 PENDING。</p>
<script>
const show = (id, text) => document.getElementById(id).textContent = text;
document.getElementById("ask").onsubmit = async (event) => {
  event.preventDefault();
  const title = new FormData(event.target).get("title");
  const answer = await fetch("/api/reports/", {method: "POST",
    headers: {"Content-Type": "application/json"}, body: JSON.stringify({title})});
  const body = await answer.text();
  show("post", answer.status + " " + answer.statusText + "\\nLocation: " +
       answer.headers.get("Location") + "\\n\\n" + body);
  const location = answer.headers.get("Location");
  if (!location) return;
  for (let i = 0; i < 60; i++) {
    const status = await (await fetch(location)).json();
    show("status", JSON.stringify(status, null, 2));
    if (status.state === "SUCCESS" || status.state === "FAILURE") break;
    await new Promise((done) => setTimeout(done, 500));
  }
};
</script>
"""


def playground(request):
    return HttpResponse(PAGE)
