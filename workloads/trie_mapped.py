# trie-mapped: the same routes in a trie of __slots__ nodes whose children
# are a list with a place per character of the alphabet ('+0123456789'),
# indexed through one map shared by every node, the list made only when a
# node gets its first child: the seed's best step ("from around 3 GB to
# 1.5 GB"). Bytes per route, as trie-dict. The factory returns the route's
# last node.

from _routes import ALPHABET, Node, cost, route, with_note

DESCRIPTION = 'a trie of __slots__ nodes, children in a list indexed through one shared map; per object: one phone route added'

INDEX = dict((ch, k) for k, ch in enumerate(ALPHABET))
WIDTH = len(ALPHABET)


def setup():
    root = Node()
    index = INDEX

    def make(i):
        node = root
        for ch in route(i):
            kids = node.children
            if kids is None:
                kids = node.children = [None] * WIDTH
            k = index[ch]
            child = kids[k]
            if child is None:
                child = kids[k] = Node()
            node = child
        node.value = cost(i)
        return node
    return with_note(make)
