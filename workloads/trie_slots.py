# trie-slots: the same routes in a trie of __slots__ nodes (children,
# value), children a dict made only when a node gets its first child
# ("default to None"): the seed's first saving. Bytes per route, as
# trie-dict. The factory returns the route's last node.

from _routes import Node, cost, route, with_note

DESCRIPTION = 'a trie of __slots__ nodes with a children dict made on demand; per object: one phone route added'


def setup():
    root = Node()

    def make(i):
        node = root
        for ch in route(i):
            kids = node.children
            if kids is None:
                kids = node.children = {}
            child = kids.get(ch)
            if child is None:
                child = kids[ch] = Node()
            node = child
        node.value = cost(i)
        return node
    return with_note(make)
