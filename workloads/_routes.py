# _routes.py - what the trie workloads share: the phone routes they store
# (the Pympler seed's call-routing problem: standardized prefixes and their
# costs), the __slots__ node of trie-slots and trie-mapped, and their note.
#
# Route i is '+1', an area of four digits or more (2000 + i // 10000), and a
# line of four digits (i % 10000): dense like a real numbering plan, so routes
# share their prefixes, every i gives a different route, and the list is the
# same on every interpreter and every run (no random module: MicroPython).
# 10,000 routes fill an area: its last level holds 10 children per node.

import sys

ALPHABET = '+0123456789'


def route(i):
    """The i-th route, for example route(0) == '+120000000'."""
    return '+1%d%04d' % (2000 + i // 10000, i % 10000)


def cost(i):
    """The route's cost per minute, a new float per route."""
    return 0.0001 * (i % 9973) + 0.001


class Node(object):
    """A trie node: its children (None until it has one) and its value."""
    __slots__ = ('children', 'value')

    def __init__(self):
        self.children = None
        self.value = None


def with_note(make):
    """The factory, with the note MicroPython needs (it ignores __slots__)."""
    impl = getattr(sys, 'implementation', None)
    if impl is not None and impl.name == 'micropython':
        return make, '__slots__ ignored on micropython'
    return make
