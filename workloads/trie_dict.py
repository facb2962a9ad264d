# trie-dict: one route (see _routes.py) inserted per object into one trie
# of nested dicts, a dict per character, the cost under '$' in the route's
# last dict: the way the Pympler seed's trie started (3 GB for 10 million
# routes). Measures bytes per route: the dicts the route added (about 1.11
# per route: a line dict each, an area's upper levels shared) and its cost.
# The factory returns the route's last dict.

from _routes import check_alphabet, cost, route

# what run --param can set (see _routes.py), and its default
PARAMS = {'alphabet': '0123456789'}
DESCRIPTION = 'a trie of nested dicts, one dict per character; per object: one phone route added'


def setup(alphabet=PARAMS['alphabet']):
    check_alphabet(alphabet)
    root = {}

    def make(i):
        node = root
        for ch in route(i, alphabet):
            child = node.get(ch)
            if child is None:
                child = node[ch] = {}
            node = child
        node['$'] = cost(i)
        return node
    return make
