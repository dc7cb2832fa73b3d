// What to do when the mount point already holds a dead FUSE mount (e.g. after kill -9).
package io.github.fusespringboot.mount;

/**
 * What mounting does when its directory already holds a FUSE mount whose server is gone ("Transport
 * endpoint is not connected", as a {@code kill -9} of a previous run leaves it). A live mount of
 * anything is always refused: the engine never unmounts someone else's live mount.
 */
public enum StaleMountPolicy {

    /** Refuse, with a message saying how to clean it. */
    REFUSE,

    /** Clean a dead mount that is recognisably ours (source {@code fuse-spring-boot:<name>}); refuse others. */
    CLEAN_OURS,

    /** Clean any dead FUSE mount. */
    CLEAN_ANY_DEAD

}
