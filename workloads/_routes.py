# _routes.py - the phone routes the trie workloads store (the Pympler seed's
# call-routing problem: standardized prefixes and their costs).
#
# Route i is '+1', an area of four digits or more (2000 + i // 10000), and a
# line of four digits (i % 10000): dense like a real numbering plan, so routes
# share their prefixes, every i gives a different route, and the list is the
# same on every interpreter and every run (no random module: MicroPython).
# 10,000 routes fill an area: its last level holds 10 children per node.

ALPHABET = '+0123456789'


def route(i):
    """The i-th route, for example route(0) == '+120000000'."""
    return '+1%d%04d' % (2000 + i // 10000, i % 10000)


def cost(i):
    """The route's cost per minute, a new float per route."""
    return 0.0001 * (i % 9973) + 0.001
