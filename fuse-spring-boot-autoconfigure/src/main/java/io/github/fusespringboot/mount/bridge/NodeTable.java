// Node ids for the kernel, paths for the filesystem: libfuse's high-level node table, in Java.
package io.github.fusespringboot.mount.bridge;

import java.util.HashMap;
import java.util.Map;

/**
 * The nodes the kernel knows, as lib/fuse.c keeps them: each node has an id (1 is the root), a
 * generation, a parent and a name, and a lookup count that LOOKUP-like replies raise and FORGET
 * lowers. A node leaves the table when its count reaches zero; ids are never reused while the
 * table lives (they come from a 64-bit counter), so id + generation is unique for the mount's life.
 * An unlinked or replaced node stays known by id (the kernel may still use it) but has no path.
 *
 * <p>Every request names its node by id and the filesystem wants a path, so the last nodes used are
 * kept in a small direct-mapped cache ({@value #RECENT} slots by id) that also remembers each one's
 * path: a request on a recent node neither boxes its id for the map nor rebuilds its path. A cached
 * path holds while no node changed its name or parent (a table-wide epoch, moved on by every unlink,
 * rename, exchange and hide); only the recent nodes keep one, so the memory this costs is bounded.
 */
final class NodeTable {

    static final long ROOT_ID = 1;

    /** One node. Fields are guarded by the table's lock. */
    static final class Node {

        final long id;

        final long generation;

        Node parent;

        String name;

        long lookups;

        /** The path it had when it was unlinked, for RELEASE/FLUSH of files still open. */
        String lastPath;

        /** Open file handles (OPEN/CREATE minus RELEASE): an open node is hidden, not unlinked. */
        int opens;

        /** Renamed to a {@code .fuse_hidden} name instead of unlinked while open; unlinked on its last release. */
        boolean hidden;

        /** auto_cache: the mtime and size seen at the last open, and whether the kernel's cache may be kept. */
        boolean cacheValid;

        long cachedMtime;

        int cachedMtimeNsec;

        long cachedSize;

        /** This node's path (null: none), valid while {@link #pathEpoch} is the table's; kept only while recent. */
        String path;

        long pathEpoch = -1;

        Node(long id, long generation, Node parent, String name) {
            this.id = id;
            this.generation = generation;
            this.parent = parent;
            this.name = name;
        }

    }

    /** A (parent id, name) key of the name index. */
    private record Key(long parent, String name) {
    }

    /** Slots of the recent-node cache: a power of two. */
    static final int RECENT = 256;

    private final Map<Long, Node> byId = new HashMap<>();

    private final Node[] recent = new Node[RECENT];

    /** Moved on whenever a node's name or parent changes: the paths cached before are stale. */
    private long epoch;

    private final Map<Key, Node> byName = new HashMap<>();

    private final Node root = new Node(ROOT_ID, 0, null, null);

    private long nextId = ROOT_ID + 1;

    private long generation;

    NodeTable() {
        this.byId.put(ROOT_ID, this.root);
    }

    /** The path of node {@code id}, or null when the id is unknown or the node was unlinked. */
    synchronized String path(long id) {
        Node node = node(id);
        return (node != null) ? pathOf(node) : null;
    }

    /** The path of entry {@code name} in directory {@code parent}, or null when the directory has none. */
    synchronized String childPath(long parent, String name) {
        Node node = node(parent);
        String dir = (node != null) ? pathOf(node) : null;
        if (dir == null) {
            return null;
        }
        return (dir.length() == 1) ? "/" + name : dir + "/" + name;
    }

    /** The path of node {@code id}, or the path it had when it was unlinked, or null. */
    synchronized String pathOrLast(long id) {
        Node node = node(id);
        if (node == null) {
            return null;
        }
        String path = pathOf(node);
        return (path != null) ? path : node.lastPath;
    }

    /** Node {@code id} from the recent cache or the map (then it becomes recent), or null. */
    private Node node(long id) {
        int slot = (int) id & (RECENT - 1);
        Node node = this.recent[slot];
        if (node != null && node.id == id) {
            return node;
        }
        node = this.byId.get(id);
        if (node != null) {
            if (this.recent[slot] != null) {
                this.recent[slot].path = null;
                this.recent[slot].pathEpoch = -1;
            }
            this.recent[slot] = node;
        }
        return node;
    }

    private String pathOf(Node node) {
        if (node == this.root) {
            return "/";
        }
        if (node.pathEpoch == this.epoch) {
            return node.path;
        }
        StringBuilder path = new StringBuilder();
        Node at = node;
        while (at != this.root && at.pathEpoch != this.epoch) {
            if (at.name == null || at.parent == null) {
                return remember(node, null);
            }
            path.insert(0, at.name).insert(0, '/');
            at = at.parent;
        }
        if (at != this.root) {
            if (at.path == null) {
                return remember(node, null);
            }
            path.insert(0, at.path);
        }
        return remember(node, path.toString());
    }

    /** Caches {@code path} as {@code node}'s when the node is recent; returns it. */
    private String remember(Node node, String path) {
        if (this.recent[(int) node.id & (RECENT - 1)] == node) {
            node.path = path;
            node.pathEpoch = this.epoch;
        }
        return path;
    }

    /** The node a successful LOOKUP (or create, mkdir, ...) of {@code name} in {@code parent} returns, counted once more. */
    synchronized Node lookedUp(long parent, String name) {
        Node dir = node(parent);
        if (dir == null) {
            return null;
        }
        Key key = new Key(parent, name);
        Node node = this.byName.get(key);
        if (node == null) {
            long id = this.nextId++;
            if (this.nextId == 0) { // 2^64 ids later: start over with a new generation
                this.nextId = ROOT_ID + 1;
                this.generation++;
            }
            while (this.byId.containsKey(id)) {
                id = this.nextId++;
            }
            node = new Node(id, this.generation, dir, name);
            this.byId.put(id, node);
            this.byName.put(key, node);
        }
        node.lookups++;
        return node;
    }

    /** FORGET: the kernel dropped {@code count} references to node {@code id}. */
    synchronized void forget(long id, long count) {
        if (id == ROOT_ID) {
            return;
        }
        Node node = node(id);
        if (node == null) {
            return;
        }
        node.lookups -= count;
        if (node.lookups <= 0) {
            this.byId.remove(id);
            int slot = (int) id & (RECENT - 1);
            if (this.recent[slot] == node) {
                this.recent[slot] = null;
            }
            if (node.name != null && node.parent != null) {
                this.byName.remove(new Key(node.parent.id, node.name), node);
            }
        }
    }

    /** UNLINK/RMDIR succeeded: the name is gone; its node (if known) keeps its id but loses its path. */
    synchronized void removed(long parent, String name) {
        Node node = this.byName.remove(new Key(parent, name));
        if (node != null) {
            node.lastPath = pathOf(node);
            this.epoch++;
            node.parent = null;
            node.name = null;
        }
    }

    /** RENAME succeeded: what was at the new name is replaced, the node moves. */
    synchronized void renamed(long oldParent, String oldName, long newParent, String newName) {
        removed(newParent, newName);
        this.epoch++;
        Node node = this.byName.remove(new Key(oldParent, oldName));
        Node dir = node(newParent);
        if (node != null && dir != null) {
            node.parent = dir;
            node.name = newName;
            this.byName.put(new Key(newParent, newName), node);
        }
        else if (node != null) {
            node.parent = null;
            node.name = null;
        }
    }

    /** RENAME_EXCHANGE succeeded: the two names swap their nodes (either may be unknown to the table). */
    synchronized void exchanged(long parentA, String nameA, long parentB, String nameB) {
        Node a = this.byName.remove(new Key(parentA, nameA));
        Node b = this.byName.remove(new Key(parentB, nameB));
        this.epoch++;
        Node dirA = node(parentA);
        Node dirB = node(parentB);
        if (a != null) {
            a.parent = dirB;
            a.name = (dirB != null) ? nameB : null;
            if (dirB != null) {
                this.byName.put(new Key(parentB, nameB), a);
            }
        }
        if (b != null) {
            b.parent = dirA;
            b.name = (dirA != null) ? nameA : null;
            if (dirA != null) {
                this.byName.put(new Key(parentA, nameA), b);
            }
        }
    }

    /** A file handle on node {@code id} was opened. */
    synchronized void opened(long id) {
        Node node = node(id);
        if (node != null) {
            node.opens++;
        }
    }

    /**
     * A file handle on node {@code id} was released. Returns the node's hidden path when that was its
     * last handle and it was hidden (the caller unlinks it then), else null.
     */
    synchronized String released(long id) {
        Node node = node(id);
        if (node == null || --node.opens > 0 || !node.hidden) {
            return null;
        }
        return pathOf(node);
    }

    /** Whether entry {@code name} of {@code parent} is a node with open file handles. */
    synchronized boolean isOpen(long parent, String name) {
        Node node = this.byName.get(new Key(parent, name));
        return node != null && node.opens > 0;
    }

    /** The entry was renamed to {@code hiddenName} in the same directory to keep it while open. */
    synchronized void hidden(long parent, String name, String hiddenName) {
        Node node = this.byName.get(new Key(parent, name));
        renamed(parent, name, parent, hiddenName);
        if (node != null) {
            node.hidden = true;
        }
    }

    /** The hidden node {@code id} was unlinked on its last release: it loses its name. */
    synchronized void detach(long id) {
        Node node = node(id);
        if (node != null && node.parent != null && node.name != null) {
            removed(node.parent.id, node.name);
        }
    }

    /**
     * lib/fuse.c's auto_cache at an open of node {@code id} whose getattr said {@code mtime}/{@code size}
     * ({@code fresh} false: getattr failed). Returns whether the kernel may keep its page cache: only
     * when the node was opened before and neither mtime nor size changed since.
     */
    synchronized boolean keepCacheOnOpen(long id, boolean fresh, long mtime, int mtimeNsec, long size) {
        Node node = node(id);
        if (node == null) {
            return false;
        }
        if (!fresh) {
            node.cacheValid = false;
            return false;
        }
        boolean keep = node.cacheValid && node.cachedMtime == mtime && node.cachedMtimeNsec == mtimeNsec
                && node.cachedSize == size;
        node.cachedMtime = mtime;
        node.cachedMtimeNsec = mtimeNsec;
        node.cachedSize = size;
        node.cacheValid = true;
        return keep;
    }

    /** The id of entry {@code name} of {@code parent}, or 0. */
    synchronized long idOf(long parent, String name) {
        Node node = this.byName.get(new Key(parent, name));
        return (node != null) ? node.id : 0;
    }

    /** The lookup count of node {@code id} (0 when unknown), for tests and diagnostics. */
    synchronized long lookups(long id) {
        Node node = node(id);
        return (node != null) ? node.lookups : 0;
    }

    /** How many nodes the table holds, the root included. */
    synchronized int size() {
        return this.byId.size();
    }

}
