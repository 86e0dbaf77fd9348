"""The seed's qa2_download: fetch the ASDM tars a web page links to, check md5, untar safely.

``page``: the page (the link in ESO's mail) is read for links to ``uid___*.tar`` (also
``.tar.gz``, ``.tgz``) and to md5 files (``md5sums.txt``, ``*.md5``).

``transfer``: each tar is streamed in 1 MiB chunks into ``<name>.part``; a rerun resumes it
with ``Range: bytes=<size>-`` (appending on 206, starting over on 200), and it is renamed
when complete. A symbolic link or any non-regular file at either path is refused, never
followed. ``--timeout`` bounds each wait for the server, and a body slower than 1 KiB/s
over that many seconds is given up.

``untar``: a verified tar is extracted through a checked list of members (no absolute path,
no ``..``, no link or device leading out, one ``uid___*`` folder only) with
``filter="data"``, into a hidden folder renamed into place.

``run``: each tar's md5 is checked against the md5 files; a mismatch deletes the tar. What
was verified is remembered in ``<DIR>/.qa2docs-download.json`` (name, size, mtime, md5), so
a rerun skips it, unless its size or mtime changed since: then it is hashed again. Several
tars may download at once (threads; each tar's md5 and untar in its own thread).

Standard library only.
"""
