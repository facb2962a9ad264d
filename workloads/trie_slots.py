# trie-slots: the same routes in a trie of __slots__ nodes (children,
# value), children a dict made only when a node gets its first child
# ("default to None"): the seed's first saving. Bytes per route, as
# trie-dict. The factory returns the route's last node.

from _routes import Node, check_alphabet, cost, route, with_note

# what run --param can set (see _routes.py), and its default
PARAMS = {'alphabet': '0123456789'}
DESCRIPTION = 'a trie of __slots__ nodes with a children dict made on demand; per object: one phone route added'


def setup(alphabet=PARAMS['alphabet']):
    check_alphabet(alphabet)
    root = Node()

    def make(i):
        node = root
        for ch in route(i, alphabet):
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
