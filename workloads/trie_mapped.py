# trie-mapped: the same routes in a trie of __slots__ nodes whose children
# are a list with a place per symbol a route can hold ('+0123456789'),
# indexed through one map shared by every node, the list made only when a
# node gets its first child: the seed's best step ("from around 3 GB to
# 1.5 GB"). Bytes per route, as trie-dict. The factory returns the route's
# last node.

from _routes import Node, check_alphabet, cost, route, symbols, with_note

# what run --param can set (see _routes.py), and its default
PARAMS = {'alphabet': '0123456789'}
DESCRIPTION = 'a trie of __slots__ nodes, children in a list indexed through one shared map; per object: one phone route added'


def setup(alphabet=PARAMS['alphabet']):
    check_alphabet(alphabet)
    chars = symbols(alphabet)
    index = dict((ch, k) for k, ch in enumerate(chars))   # the one shared map
    width = len(chars)
    root = Node()

    def make(i):
        node = root
        for ch in route(i, alphabet):
            kids = node.children
            if kids is None:
                kids = node.children = [None] * width
            k = index[ch]
            child = kids[k]
            if child is None:
                child = kids[k] = Node()
            node = child
        node.value = cost(i)
        return node
    return with_note(make)
