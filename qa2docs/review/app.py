"""The review web app (Starlette): pages, item saves, plot files, behind a token and CSRF.

Every request needs the secret token: the first URL carries it (``?token=``), the app turns
it into a cookie and redirects to the clean URL. POSTs also carry the page's CSRF token in
the ``X-CSRF-Token`` header. Only regular files inside the SB root are served (symlinks
resolved; a path that leaves the root is refused). Pages are rendered with the report's
Jinja2 environment; comments as Markdown without raw HTML, like the reports.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import secrets
from functools import partial
from hmac import compare_digest
from pathlib import Path
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from qa2docs import __version__
from qa2docs.errors import Qa2DocsError
from qa2docs.render.environment import data_dir, make_environment
from qa2docs.review.pages import DocumentView, Review, total_progress
from qa2docs.review.save import StaleDocument, save_answer

#: Files the app serves from the SB root (plots), by suffix.
SERVED = frozenset({".png", ".jpg", ".jpeg", ".gif", ".pdf"})
#: Static files of the app (templates folder), by URL name.
STATIC = {"review.js": "review/review.js", "review.css": "review/review.css",
          "report.css": "html/report.css"}
CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


class Secrets:
    """The session's token (in the URL, then a cookie) and the CSRF token of its pages."""

    def __init__(self, token: str | None = None):
        self.token = token or secrets.token_urlsafe(24)
        self.csrf = secrets.token_urlsafe(24)
        self.cookie = "qa2docs_review_" + hashlib.sha256(self.token.encode()).hexdigest()[:10]


def _refuse(status: int, message: str) -> Response:
    return PlainTextResponse(f"qa2docs review: {message}\n", status_code=status)


class Gate(BaseHTTPMiddleware):
    """Loopback host, token cookie, CSRF on state changes; security headers on answers."""

    def __init__(self, app, secrets_: Secrets, hosts: tuple[str, ...]):
        super().__init__(app)
        self.s = secrets_
        self.hosts = hosts

    async def dispatch(self, request: Request, call_next: Callable) -> Response:
        if (request.url.hostname or "") not in self.hosts:
            return _refuse(403, "unknown host (open the 127.0.0.1 URL qa2docs review printed)")
        given = request.query_params.get("token")
        if given is not None:
            if not compare_digest(given, self.s.token):
                return _refuse(403, "wrong token: open the URL qa2docs review printed")
            response: Response = RedirectResponse(request.url.remove_query_params("token").path
                                                  or "/", status_code=303)
            response.set_cookie(self.s.cookie, self.s.token, httponly=True, samesite="strict")
            return self._harden(response)
        cookie = request.cookies.get(self.s.cookie, "")
        if not compare_digest(cookie, self.s.token):
            return _refuse(403, "no valid token: open the URL qa2docs review printed")
        if request.method not in ("GET", "HEAD"):
            if not compare_digest(request.headers.get("x-csrf-token", ""), self.s.csrf):
                return _refuse(403, "missing or wrong CSRF token: reload the page")
            origin = request.headers.get("origin")
            if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
                return _refuse(403, "cross-origin request refused")
        return self._harden(await call_next(request))

    @staticmethod
    def _harden(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response


class ReviewApp:
    """The routes of one review session over one SB root."""

    def __init__(self, review: Review, secrets_: Secrets):
        self.review = review
        self.s = secrets_
        self.lock = asyncio.Lock()      # one save at a time within this process

    def render(self, template: str, **context: Any) -> str:
        env = make_environment()
        return env.get_template(template).render(csrf=self.s.csrf, version=__version__,
                                                 sb=self.review.sb, **context)

    async def home(self, request: Request) -> Response:
        start = self.review.start_eb
        if start is not None:
            return RedirectResponse(f"/doc/eb-{start.short}", status_code=303)
        return await self.overview(request)

    async def overview(self, request: Request) -> Response:
        views = await _threaded(self._views)
        return HTMLResponse(self.render("review/overview.html.j2", views=views,
                                        total=total_progress(views)))

    def _views(self) -> list[DocumentView]:
        self.review.refresh()
        return [self.review.view(key) for key in self.review.keys()
                if self.review.path_of(key).is_file()]

    async def document(self, request: Request) -> Response:
        key = request.path_params["key"]
        if key not in self.review.keys():
            return _refuse(404, f"no document {key!r} in this SB")
        try:
            view = await _threaded(self.review.view, key)
        except Qa2DocsError as err:
            return _refuse(409, str(err))
        return HTMLResponse(self.render("review/document.html.j2", view=view,
                                        keys=self.review.keys()))

    async def item(self, request: Request) -> Response:
        key, element = request.path_params["key"], request.path_params["element"]
        if key not in self.review.keys():
            return _refuse(404, f"no document {key!r} in this SB")
        if request.method == "GET":
            return await self._answer(key, element, 200, "")
        try:
            body = await request.json()
            expected, parts = str(body["digest"]), dict(body.get("parts") or {})
            parts = {str(k): str(v) for k, v in parts.items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            return _refuse(400, "the save needs a JSON body {digest, parts}")
        async with self.lock:
            try:
                await _threaded(self._save, key, element, expected, parts)
            except StaleDocument as err:
                return await self._answer(key, element, 409, str(err))
            except Qa2DocsError as err:
                return await self._answer(key, element, 400, str(err))
        return await self._answer(key, element, 200, "saved")

    def _save(self, key: str, element: str, expected: str, parts: dict[str, str]) -> str:
        changes = self.review.changes(key, element, parts)
        return save_answer(self.review.path_of(key), expected, changes)

    async def _answer(self, key: str, element: str, status: int, message: str) -> Response:
        view = await _threaded(self.review.view, key)
        try:
            view.item(element)
        except KeyError:
            return JSONResponse({"error": f"no item {element!r}"}, status_code=404)
        env = make_environment()
        macros = env.get_template("review/_item.html.j2").make_module({"csrf": self.s.csrf})
        items = {it.el.id: str(macros.item(it)) for it in view.items}
        return JSONResponse({"digest": view.digest, "items": items, "message": message,
                             "element": element, "progress": str(macros.progress(view.progress)),
                             "error": status != 200}, status_code=status)

    async def file(self, request: Request) -> Response:
        path = self._inside_root(request.path_params["path"])
        if path is None:
            return _refuse(404, "no such file inside the SB root")
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return FileResponse(path, media_type=media,
                            headers={"Cache-Control": "private, max-age=60"})

    def _inside_root(self, rel: str) -> Path | None:
        root = self.review.root
        try:
            path = (root / rel).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return None
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path if path.suffix.lower() in SERVED else None

    async def static(self, request: Request) -> Response:
        name = STATIC.get(request.path_params["name"])
        if name is None:
            return _refuse(404, "no such file")
        path = data_dir("templates") / name
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return FileResponse(path, media_type=f"{media}; charset=utf-8")


async def _threaded(func: Callable, *args: Any) -> Any:
    """Run blocking file work off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, partial(func, *args))


def create_app(path: Path, secrets_: Secrets | None = None,
               hosts: tuple[str, ...] = LOOPBACK_HOSTS) -> tuple[Starlette, Secrets]:
    """The app over the SB of *path* (an SB root or an EB dir), and its secrets."""
    s = secrets_ or Secrets()
    routes_of = ReviewApp(Review(Path(path)), s)
    routes = [
        Route("/", routes_of.home),
        Route("/sb", routes_of.overview),
        Route("/doc/{key}", routes_of.document),
        Route("/doc/{key}/item/{element}", routes_of.item, methods=["GET", "POST"]),
        Route("/file/{path:path}", routes_of.file),
        Route("/static/{name}", routes_of.static),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Gate, secrets_=s, hosts=hosts)])
    return app, s
