"""Range requests for the benchmark's two small HTTP servers (range_server.py
and lt_stream.py): which bytes a request asks for, and the headers that
answer it."""
import re


def requested(header, size):
    """(start, end, status) for a Range header over `size` bytes: the whole
    file with 200 when there is no usable range, 206 for bytes=a-b, bytes=a-
    and the suffix form bytes=-n; None when it lies past the end (416)."""
    start, end, code = 0, size - 1, 200
    m = re.match(r"bytes=(\d*)-(\d*)$", header or "")
    if m and (m.group(1) or m.group(2)):
        if m.group(1):
            start = int(m.group(1))
            if m.group(2):
                end = min(int(m.group(2)), size - 1)
        else:
            start = max(0, size - int(m.group(2)))
        code = 206
        if start > end or start >= size:
            return None
    return start, end, code


def answer(handler, header, size):
    """Sends the status and headers for the request's range; returns
    (start, end) to send, or None after a 416."""
    r = requested(header, size)
    if r is None:
        handler.send_response(416)
        handler.send_header("Content-Range", "bytes */%d" % size)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return None
    start, end, code = r
    handler.send_response(code)
    handler.send_header("Content-Type", "video/mp4")
    handler.send_header("Accept-Ranges", "bytes")
    handler.send_header("Content-Length", str(end - start + 1))
    if code == 206:
        handler.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
    handler.end_headers()
    return start, end
