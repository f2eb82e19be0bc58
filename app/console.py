"""The desk web console (社区工作台) at /console/: the Vite build in console/dist, served as
files, with every other path under /console/ answered by index.html so the browser's router
takes it (a reload on /console/matters works). The console speaks only /api/v1; this
blueprint serves no data. Without a build it says, in Chinese, how to make one."""
from pathlib import Path

from flask import Blueprint, current_app, redirect, send_from_directory

blp = Blueprint("console", __name__)

MISSING_BUILD = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>社区工作台尚未构建</title></head>
<body style="font-family:sans-serif;max-width:640px;margin:60px auto;line-height:1.7">
<h1>社区工作台尚未构建</h1>
<p>服务器上没有找到工作台的构建文件（{dist}）。请运维人员在项目目录运行：</p>
<pre style="background:#f4f4f4;padding:12px">make console</pre>
<p>构建完成后刷新本页即可。接口 /api/v1 不受影响。</p></body></html>"""


def _dist():
    return Path(current_app.config["CONSOLE_DIST"])


@blp.get("/console")
def console_root():
    return redirect("/console/", code=308)


@blp.get("/console/", defaults={"path": ""})
@blp.get("/console/<path:path>")
def console(path):
    """A built file if there is one (hashed assets: cached for good), else the app's index.html."""
    dist = _dist()
    if not (dist / "index.html").is_file():
        return MISSING_BUILD.format(dist=dist), 503, {"Content-Type": "text/html; charset=utf-8", "Retry-After": "60"}
    if path and (dist / path).is_file() and not path.startswith("."):
        if path.startswith("assets/"):  # names carry a content hash
            return send_from_directory(dist, path, max_age=31536000)
        return send_from_directory(dist, path)
    if path.startswith("assets/"):  # an old hashed file after a new build: no page instead of a script
        return "not found", 404, {"Content-Type": "text/plain; charset=utf-8"}
    response = send_from_directory(dist, "index.html")
    response.cache_control.no_cache = True
    return response
