"""The ceiling: a bare Flask endpoint returning a small JSON body, served by gunicorn with the
same settings as the app (`gunicorn -c config/gunicorn.conf.py bench.baseline:app`). Every
scenario's throughput is given as a share of this one's, measured in the same run."""
from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping():
    return {"status": "ok", "service": "yuanba"}
