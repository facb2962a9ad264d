# _routes.py - what the trie workloads share: the phone routes they store
# (the Pympler seed's call-routing problem: standardized prefixes and their
# costs), the __slots__ node of trie-slots and trie-mapped, and their note.
#
# Route i is '+1', an area of four digits or more (2000 + i // 10000), and a
# line of four digits (i % 10000): dense like a real numbering plan, so routes
# share their prefixes, every i gives a different route, and the list is the
# same on every interpreter and every run (no random module: MicroPython).
# 10,000 routes fill an area: its last level holds 10 children per node.

# The tries' parameter (run --param alphabet=SYMBOLS): the symbols a line is written
# in, decimal by default. A line is i % 10000 written in that base with as
# many symbols as 10,000 lines need (4 in base 10, 14 in base 2), so a
# smaller alphabet makes a deeper, narrower trie and a larger one a flatter,
# wider one, every route still different.

import sys

DIGITS = '0123456789'


def check_alphabet(alphabet):
    """The alphabet as given, or ValueError saying what is wrong with it."""
    if len(alphabet) < 2 or len(set(alphabet)) != len(alphabet):
        raise ValueError("alphabet %r: give two or more different symbols" % (alphabet,))
    if '+' in alphabet:
        raise ValueError("alphabet %r: '+' starts every route; leave it out" % (alphabet,))
    return alphabet


def symbols(alphabet):
    """Every character a route can hold: '+', the area's digits, the alphabet."""
    out = '+' + DIGITS
    for ch in alphabet:
        if ch not in out:
            out += ch
    return out


def line_width(base):
    n = 1
    while base ** n < 10000:
        n += 1
    return n


def route(i, alphabet=DIGITS):
    """The i-th route, for example route(0) == '+120000000'."""
    if alphabet == DIGITS:
        # one formatting, no temporaries: what the tries measured before
        # they took an alphabet (under glibc malloc, freed temporaries
        # between the nodes change the figure)
        return '+1%d%04d' % (2000 + i // 10000, i % 10000)
    line, base = i % 10000, len(alphabet)
    text = []
    for _ in range(line_width(base)):
        text.append(alphabet[line % base])
        line //= base
    text.reverse()
    return '+1%d' % (2000 + i // 10000) + ''.join(text)


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
