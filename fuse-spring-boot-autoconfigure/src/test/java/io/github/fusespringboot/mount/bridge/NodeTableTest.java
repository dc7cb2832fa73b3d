package io.github.fusespringboot.mount.bridge;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeTableTest {

    private final NodeTable nodes = new NodeTable();

    @Test
    void aNameLookedUpTwiceIsOneNodeWithTwoReferencesUntilForgotten() {
        NodeTable.Node first = this.nodes.lookedUp(NodeTable.ROOT_ID, "a");
        NodeTable.Node second = this.nodes.lookedUp(NodeTable.ROOT_ID, "a");
        assertThat(second).isSameAs(first);
        assertThat(this.nodes.lookups(first.id)).isEqualTo(2);
        this.nodes.forget(first.id, 1);
        assertThat(this.nodes.path(first.id)).isEqualTo("/a");
        this.nodes.forget(first.id, 1);
        assertThat(this.nodes.path(first.id)).isNull();
        assertThat(this.nodes.size()).isEqualTo(1);
    }

    @Test
    void idsAreNeverReusedSoIdAndGenerationStayUnique() {
        NodeTable.Node a = this.nodes.lookedUp(NodeTable.ROOT_ID, "a");
        this.nodes.forget(a.id, 1);
        NodeTable.Node again = this.nodes.lookedUp(NodeTable.ROOT_ID, "a");
        assertThat(again.id).isNotEqualTo(a.id).isGreaterThan(NodeTable.ROOT_ID);
    }

    @Test
    void buildsPathsThroughParentsAndFollowsRenames() {
        NodeTable.Node dir = this.nodes.lookedUp(NodeTable.ROOT_ID, "dir");
        NodeTable.Node file = this.nodes.lookedUp(dir.id, "f.txt");
        assertThat(this.nodes.path(file.id)).isEqualTo("/dir/f.txt");
        assertThat(this.nodes.childPath(dir.id, "new")).isEqualTo("/dir/new");
        assertThat(this.nodes.childPath(NodeTable.ROOT_ID, "x")).isEqualTo("/x");
        this.nodes.renamed(NodeTable.ROOT_ID, "dir", NodeTable.ROOT_ID, "moved");
        assertThat(this.nodes.path(file.id)).isEqualTo("/moved/f.txt");
        this.nodes.renamed(dir.id, "f.txt", NodeTable.ROOT_ID, "top.txt");
        assertThat(this.nodes.path(file.id)).isEqualTo("/top.txt");
    }

    @Test
    void anUnlinkedNodeKeepsItsIdAndLastPathButLosesItsPath() {
        NodeTable.Node file = this.nodes.lookedUp(NodeTable.ROOT_ID, "gone");
        this.nodes.removed(NodeTable.ROOT_ID, "gone");
        assertThat(this.nodes.path(file.id)).isNull();
        assertThat(this.nodes.pathOrLast(file.id)).isEqualTo("/gone");
        NodeTable.Node fresh = this.nodes.lookedUp(NodeTable.ROOT_ID, "gone");
        assertThat(fresh.id).isNotEqualTo(file.id);
        assertThat(this.nodes.lookups(file.id)).isEqualTo(1); // still referenced by the kernel
    }

    @Test
    void aRenameOntoAnExistingNameDetachesTheReplacedNode() {
        NodeTable.Node source = this.nodes.lookedUp(NodeTable.ROOT_ID, "s");
        NodeTable.Node target = this.nodes.lookedUp(NodeTable.ROOT_ID, "t");
        this.nodes.renamed(NodeTable.ROOT_ID, "s", NodeTable.ROOT_ID, "t");
        assertThat(this.nodes.path(source.id)).isEqualTo("/t");
        assertThat(this.nodes.path(target.id)).isNull();
    }

    @Test
    void anExchangeSwapsTheNodesOfTheTwoNamesAcrossDirectories() {
        NodeTable.Node dir = this.nodes.lookedUp(NodeTable.ROOT_ID, "d");
        NodeTable.Node a = this.nodes.lookedUp(NodeTable.ROOT_ID, "a");
        NodeTable.Node b = this.nodes.lookedUp(dir.id, "b");
        this.nodes.exchanged(NodeTable.ROOT_ID, "a", dir.id, "b");
        assertThat(this.nodes.path(a.id)).isEqualTo("/d/b");
        assertThat(this.nodes.path(b.id)).isEqualTo("/a");
        assertThat(this.nodes.idOf(NodeTable.ROOT_ID, "a")).isEqualTo(b.id);
        assertThat(this.nodes.idOf(dir.id, "b")).isEqualTo(a.id);
        assertThat(this.nodes.lookedUp(NodeTable.ROOT_ID, "a")).as("a lookup finds the swapped node").isSameAs(b);
    }

    @Test
    void anExchangeWithANameTheTableDoesNotKnowMovesTheKnownOne() {
        NodeTable.Node a = this.nodes.lookedUp(NodeTable.ROOT_ID, "a");
        this.nodes.exchanged(NodeTable.ROOT_ID, "a", NodeTable.ROOT_ID, "unknown");
        assertThat(this.nodes.path(a.id)).isEqualTo("/unknown");
        assertThat(this.nodes.idOf(NodeTable.ROOT_ID, "a")).isZero();
    }

    @Test
    void theRootIsNeverForgotten() {
        this.nodes.forget(NodeTable.ROOT_ID, 1000);
        assertThat(this.nodes.path(NodeTable.ROOT_ID)).isEqualTo("/");
    }

    @Test
    void cachedPathsFollowAnAncestorsRenameExchangeAndUnlink() {
        NodeTable.Node a = this.nodes.lookedUp(NodeTable.ROOT_ID, "a");
        NodeTable.Node b = this.nodes.lookedUp(a.id, "b");
        NodeTable.Node c = this.nodes.lookedUp(b.id, "c");
        NodeTable.Node other = this.nodes.lookedUp(NodeTable.ROOT_ID, "other");
        assertThat(this.nodes.path(b.id)).isEqualTo("/a/b");
        assertThat(this.nodes.path(c.id)).isEqualTo("/a/b/c"); // built from b's cached path
        assertThat(this.nodes.path(c.id)).isEqualTo("/a/b/c"); // from its own
        this.nodes.renamed(NodeTable.ROOT_ID, "a", NodeTable.ROOT_ID, "z");
        assertThat(this.nodes.path(c.id)).isEqualTo("/z/b/c");
        this.nodes.exchanged(NodeTable.ROOT_ID, "z", NodeTable.ROOT_ID, "other");
        assertThat(this.nodes.path(c.id)).isEqualTo("/other/b/c");
        assertThat(this.nodes.path(other.id)).isEqualTo("/z");
        this.nodes.removed(NodeTable.ROOT_ID, "other");
        assertThat(this.nodes.path(b.id)).isNull();
        assertThat(this.nodes.path(c.id)).isNull();
        assertThat(this.nodes.pathOrLast(a.id)).isEqualTo("/other");
    }

    @Test
    void pathsStayRightForMoreNodesThanTheRecentCacheHolds() {
        int count = NodeTable.RECENT * 4 + 3;
        long[] ids = new long[count];
        NodeTable.Node dir = this.nodes.lookedUp(NodeTable.ROOT_ID, "d");
        for (int i = 0; i < count; i++) {
            ids[i] = this.nodes.lookedUp(dir.id, "f" + i).id;
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < count; i++) {
                assertThat(this.nodes.path(ids[i])).isEqualTo("/d/f" + i);
            }
        }
        this.nodes.renamed(NodeTable.ROOT_ID, "d", NodeTable.ROOT_ID, "e");
        for (int i = count - 1; i >= 0; i--) {
            assertThat(this.nodes.path(ids[i])).isEqualTo("/e/f" + i);
        }
        for (int i = 0; i < count; i++) {
            this.nodes.forget(ids[i], 1);
            assertThat(this.nodes.path(ids[i])).isNull();
        }
        assertThat(this.nodes.size()).isEqualTo(2);
    }

}
