// Through the kernel, what java.nio cannot do: exact open flags, nodes, other users' files, UTIME_OMIT, errnos.
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.fusespringboot.mount.FuseMount;
import io.github.fusespringboot.mount.MountSpec;
import io.github.fusespringboot.samples.passthrough.natives.Syscalls;
import io.github.fusespringboot.test.FuseMountTest;
import io.github.fusespringboot.test.FuseMounts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Real mounts of {@link PassthroughFilesystem}, driven by the system calls a C program makes (the
 * sample's own {@link Syscalls}) and by other users' processes, checked on the mount and in the backing
 * directory.
 */
@FuseMountTest
class PosixSemanticsTests {

    private static final int O_RDONLY = 0;

    private static final int S_IFIFO = 0010000;

    private static final int S_IFCHR = 0020000;

    private static final int ENOENT = 2;

    private static final int EEXIST = 17;

    private static final long UTIME_NOW = (1L << 30) - 1;

    private static final long UTIME_OMIT = (1L << 30) - 2;

    /** The unprivileged user the kernel lets in through allow_other ("nobody" on Debian). */
    private static final int OTHER_USER = 65534;

    private Path backing;

    private Path mnt;

    /** The sample's options (application.yml): the kernel caches no names or attributes, inode numbers pass. */
    private static final List<String> SAMPLE_OPTIONS = List.of("use_ino", "attr_timeout=0", "entry_timeout=0",
            "negative_timeout=0");

    private FuseMount mount(FuseMounts fx, String... options) throws IOException {
        this.backing = Files.createDirectories(fx.directory().resolve("backing"));
        this.mnt = fx.directory().resolve("mnt");
        List<String> all = new ArrayList<>(SAMPLE_OPTIONS);
        all.addAll(List.of(options));
        return fx.manager()
            .mount(MountSpec.builder("passthrough", this.mnt, new PassthroughFilesystem(this.backing))
                .createMountPoint(true)
                .options(all)
                .build());
    }

    @Test
    void openWithOCreatAndOExclCreatesTheFileEvenWhenOnlyForReading(FuseMounts fx) throws Exception {
        try (FuseMount mount = mount(fx)) {
            String file = this.mnt.resolve("created").toString();
            int fd = Syscalls.open(Syscalls.AT_FDCWD, file, O_RDONLY | Syscalls.O_CREAT | Syscalls.O_EXCL, 0640);
            assertThat(fd).as("open(O_RDONLY|O_CREAT|O_EXCL)").isGreaterThanOrEqualTo(0);
            assertThat(Syscalls.close(fd)).isZero();
            assertThat(Files.getAttribute(this.backing.resolve("created"), "unix:mode")).isEqualTo(0100640);
            assertThat(Files.getAttribute(this.mnt.resolve("created"), "unix:mode")).isEqualTo(0100640);

            assertThat(Syscalls.open(Syscalls.AT_FDCWD, file, O_RDONLY | Syscalls.O_CREAT | Syscalls.O_EXCL, 0640))
                .isEqualTo(-EEXIST);
        }
    }

    @Test
    void mkfifoAndMknodMakeTheNodesInTheBackingDirectory(FuseMounts fx) throws Exception {
        try (FuseMount mount = mount(fx)) {
            assertThat(Syscalls.mknod(Syscalls.AT_FDCWD, this.mnt.resolve("fifo").toString(), S_IFIFO | 0640, 0))
                .isZero();
            assertThat(Files.getAttribute(this.backing.resolve("fifo"), "unix:mode")).isEqualTo(S_IFIFO | 0640);
            assertThat(Files.getAttribute(this.mnt.resolve("fifo"), "unix:mode")).isEqualTo(S_IFIFO | 0640);

            long devNull = (1 << 8) | 3; // makedev(1, 3)
            assertThat(Syscalls.mknod(Syscalls.AT_FDCWD, this.mnt.resolve("null").toString(), S_IFCHR | 0600, devNull))
                .isZero();
            assertThat(Files.getAttribute(this.backing.resolve("null"), "unix:mode")).isEqualTo(S_IFCHR | 0600);
            assertThat(Files.getAttribute(this.backing.resolve("null"), "unix:rdev")).isEqualTo(devNull);

            // a coreutils program, for good measure
            assertThat(run(List.of("mkfifo", "-m", "600", this.mnt.resolve("made-by-mkfifo").toString()))).isZero();
            assertThat(Files.getAttribute(this.backing.resolve("made-by-mkfifo"), "unix:mode"))
                .isEqualTo(S_IFIFO | 0600);
        }
    }

    @Test
    void whatAnotherUserCreatesThroughAllowOtherBelongsToThatUser(FuseMounts fx) throws Exception {
        // the other user must be able to reach the mount point
        Files.setPosixFilePermissions(fx.directory(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (FuseMount mount = mount(fx, "allow_other")) {
            Path shared = Files.createDirectory(this.mnt.resolve("shared"));
            Files.setAttribute(shared, "unix:mode", 0777);

            assertThat(runAsOtherUser("touch f && mkdir d && mkfifo p && ln -s f l", shared)).isZero();
            for (String name : List.of("f", "d", "p", "l")) {
                for (Path side : List.of(this.mnt, this.backing)) {
                    Path node = side.resolve("shared").resolve(name);
                    assertThat(Files.getAttribute(node, "unix:uid", LinkOption.NOFOLLOW_LINKS)).as("uid of %s", node)
                        .isEqualTo(OTHER_USER);
                    assertThat(Files.getAttribute(node, "unix:gid", LinkOption.NOFOLLOW_LINKS)).as("gid of %s", node)
                        .isEqualTo(OTHER_USER);
                }
            }
            // so the user may change its own file (it got EACCES while root owned it)
            assertThat(runAsOtherUser("chmod 600 f && touch -m -d @1000000000 f", shared)).isZero();
            assertThat(Files.getAttribute(this.backing.resolve("shared/f"), "unix:mode")).isEqualTo(0100600);
            assertThat(Files.getLastModifiedTime(this.backing.resolve("shared/f")))
                .isEqualTo(FileTime.from(Instant.ofEpochSecond(1000000000)));

            // a set-group-ID directory gives its group, as on any Linux filesystem
            Path team = Files.createDirectory(this.mnt.resolve("team"));
            Files.setAttribute(team, "unix:gid", 100);
            Files.setAttribute(team, "unix:mode", 02777);
            assertThat(runAsOtherUser("touch f && mkdir d", team)).isZero();
            assertThat(Files.getAttribute(this.backing.resolve("team/f"), "unix:uid")).isEqualTo(OTHER_USER);
            assertThat(Files.getAttribute(this.backing.resolve("team/f"), "unix:gid")).isEqualTo(100);
            assertThat(Files.getAttribute(this.backing.resolve("team/d"), "unix:gid")).isEqualTo(100);
            assertThat(Files.getAttribute(this.backing.resolve("team/d"), "unix:mode")).isEqualTo(042755);
        }
    }

    @Test
    void aHardLinkShowsTheSameFileUnderBothNames(FuseMounts fx) throws Exception {
        try (FuseMount mount = mount(fx)) {
            Path first = Files.writeString(this.mnt.resolve("first"), "x");
            Path second = Files.createLink(this.mnt.resolve("second"), first);
            assertThat(Files.getAttribute(first, "unix:nlink")).isEqualTo(2);
            assertThat(Files.getAttribute(first, "unix:ino")).isEqualTo(Files.getAttribute(second, "unix:ino"))
                .isEqualTo(Files.getAttribute(this.backing.resolve("first"), "unix:ino"));

            // a change made through one name shows at once through the other (the engine knows them as two)
            Files.setAttribute(second, "unix:mode", 0600);
            Files.setAttribute(second, "unix:uid", OTHER_USER);
            assertThat(Files.getAttribute(first, "unix:mode")).isEqualTo(0100600);
            assertThat(Files.getAttribute(first, "unix:uid")).isEqualTo(OTHER_USER);
            Files.delete(second);
            assertThat(Files.getAttribute(first, "unix:nlink")).isEqualTo(1);
        }
    }

    @Test
    void aPathAsLongAsTheKernelAllowsWorksHoweverDeepTheBackingDirectoryIs(FuseMounts fx)
            throws Exception {
        try (FuseMount mount = mount(fx)) {
            // 4000 characters below the mount: with the backing directory in front, past PATH_MAX (4096).
            // A shell walks down one directory at a time: no program can name such a path whole.
            String name = "d".repeat(199);
            String script = "cd '" + this.mnt + "' && for i in $(seq 20); do mkdir " + name + " && cd -P " + name
                    + " || exit 1; done && echo deep > file && chmod 600 file && test \"$(cat file)\" = deep"
                    + " && test \"$(ls)\" = file && test \"$(stat -c %a file)\" = 600";
            // rm walks down by descriptor too; the test's clean-up could not remove such a tree
            script += " && cd '" + this.mnt + "' && rm -r " + name;
            assertThat(run(List.of("sh", "-c", script))).isZero();
        }
    }

    @Test
    void fallocateReservesSpaceInTheBackingFile(FuseMounts fx) throws Exception {
        try (FuseMount mount = mount(fx)) {
            Path file = Files.writeString(this.mnt.resolve("space"), "x");
            assertThat(run(List.of("fallocate", "-l", "1048576", file.toString()))).isZero();
            assertThat(Files.size(this.backing.resolve("space"))).isEqualTo(1048576);
            assertThat(run(List.of("fallocate", "--keep-size", "-l", "4194304", file.toString()))).isZero();
            assertThat(Files.size(this.backing.resolve("space"))).isEqualTo(1048576);
            assertThat(Files.readString(file).charAt(0)).isEqualTo('x');
        }
    }

    @Test
    void utimensLeavesATimeAloneThatIsOmittedAndKeepsNanoseconds(FuseMounts fx) throws Exception {
        try (FuseMount mount = mount(fx)) {
            Files.writeString(this.mnt.resolve("file"), "x");
            String file = this.mnt.resolve("file").toString();
            Path backingFile = this.backing.resolve("file");

            assertThat(Syscalls.utimensat(Syscalls.AT_FDCWD, file, 1000, 5, 2000, 7)).isZero();
            assertThat(Files.getAttribute(backingFile, "lastAccessTime")).isEqualTo(time(1000, 5));
            assertThat(Files.getLastModifiedTime(backingFile)).isEqualTo(time(2000, 7));

            assertThat(Syscalls.utimensat(Syscalls.AT_FDCWD, file, 0, UTIME_OMIT, 3000, 9)).isZero();
            assertThat(Files.getAttribute(backingFile, "lastAccessTime")).isEqualTo(time(1000, 5));
            assertThat(Files.getLastModifiedTime(backingFile)).isEqualTo(time(3000, 9));

            Instant before = Instant.now().minusSeconds(1);
            assertThat(Syscalls.utimensat(Syscalls.AT_FDCWD, file, 0, UTIME_NOW, 0, UTIME_OMIT)).isZero();
            assertThat(((FileTime) Files.getAttribute(backingFile, "lastAccessTime")).toInstant()).isAfter(before);
            assertThat(Files.getLastModifiedTime(backingFile)).isEqualTo(time(3000, 9));
            assertThat(Files.getLastModifiedTime(this.mnt.resolve("file"))).isEqualTo(time(3000, 9));
        }
    }

    @Test
    void errnosTheBackingDirectoryGivesReachTheCallerUnchanged(FuseMounts fx) throws Exception {
        try (FuseMount mount = mount(fx)) {
            Path file = Files.writeString(this.mnt.resolve("file"), "x");
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            view.write("colour", StandardCharsets.UTF_8.encode("blue"));
            assertThat(Files.getFileAttributeView(this.backing.resolve("file"), UserDefinedFileAttributeView.class)
                .list()).containsExactly("colour");
            ByteBuffer value = ByteBuffer.allocate(16);
            view.read("colour", value);
            assertThat(StandardCharsets.UTF_8.decode(value.flip()).toString()).isEqualTo("blue");

            // ENODATA, which only the backing filesystem knows about
            assertThatExceptionOfType(FileSystemException.class).isThrownBy(() -> view.read("missing", value))
                .satisfies((ex) -> assertThat(ex.getReason()).endsWith("No data available"));
            view.delete("colour");
            assertThat(view.list()).isEmpty();

            // ENOENT from a create below a name that went away in the backing directory
            Files.createDirectory(this.mnt.resolve("gone"));
            Files.delete(this.backing.resolve("gone"));
            String below = this.mnt.resolve("gone/file").toString();
            assertThat(Syscalls.open(Syscalls.AT_FDCWD, below, O_RDONLY | Syscalls.O_CREAT, 0644))
                .isEqualTo(-ENOENT);
        }
    }

    private static FileTime time(long seconds, long nanos) {
        return FileTime.from(Instant.ofEpochSecond(seconds, nanos));
    }

    private static int runAsOtherUser(String script, Path dir) throws Exception {
        return run(List.of("setpriv", "--reuid=" + OTHER_USER, "--regid=" + OTHER_USER, "--clear-groups", "sh", "-c",
                "cd '" + dir + "' && " + script));
    }

    private static int run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            System.err.println(command + " said: " + output);
        }
        return process.exitValue();
    }

}
