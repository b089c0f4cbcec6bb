"""Rates and sizes as people write them, and the fluid-model bound."""
import re

_RATE_UNITS = {
    "": 1, "b/s": 1, "bps": 1,
    "kbit": 1000 / 8, "mbit": 1e6 / 8, "gbit": 1e9 / 8,
    "kb/s": 1e3, "mb/s": 1e6, "gb/s": 1e9,
    "kib/s": 1024, "mib/s": 1024 ** 2, "gib/s": 1024 ** 3,
}
_SIZE_UNITS = {"": 1, "k": 1024, "kib": 1024, "m": 1024 ** 2, "mib": 1024 ** 2, "g": 1024 ** 3, "gib": 1024 ** 3,
               "kb": 1000, "mb": 1000 ** 2, "gb": 1000 ** 3}


def parse_rate(text, option):
    """'20mbit', '2.5MB/s', '512KiB/s' or plain bytes per second -> bytes/s."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z/]*)\s*", text or "")
    unit = m and m.group(2).lower()
    if not m or unit not in _RATE_UNITS or float(m.group(1)) <= 0:
        raise ValueError("%s wants a rate such as 20mbit, 500kbit, 2.5MB/s or 512KiB/s, not '%s'" % (option, text))
    return float(m.group(1)) * _RATE_UNITS[unit]


def parse_size(text, option):
    """'67108864', '64M', '64MiB' or '1G' -> bytes."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", text or "")
    unit = m and m.group(2).lower()
    if not m or unit not in _SIZE_UNITS or float(m.group(1)) <= 0:
        raise ValueError("%s wants a size in bytes such as 67108864, 64MiB or 1GiB, not '%s'" % (option, text))
    return int(float(m.group(1)) * _SIZE_UNITS[unit])


def show_rate(bps):
    bits = bps * 8
    for unit, scale in (("gbit", 1e9), ("mbit", 1e6), ("kbit", 1e3)):
        if bits >= scale:
            return "%g%s" % (round(bits / scale, 3), unit)
    return "%gbit" % bits


def show_size(n):
    for unit, scale in (("GiB", 1024 ** 3), ("MiB", 1024 ** 2), ("KiB", 1024)):
        if n >= scale:
            return "%g %s" % (round(n / scale, 2), unit)
    return "%d B" % n


def fluid_t_min(size, seeder_up, leecher_ups, leecher_downs):
    """Lower bound on the time until every leecher has SIZE bytes (the
    fluid model of a swarm: the seeder must send each byte once, the
    slowest downlink must take all of them, and all uplinks together must
    carry N copies): max(F/u_s, F/d_min, N*F/(u_s + sum u_i))."""
    n = len(leecher_ups)
    return max(size / seeder_up, size / min(leecher_downs), n * size / (seeder_up + sum(leecher_ups)))
