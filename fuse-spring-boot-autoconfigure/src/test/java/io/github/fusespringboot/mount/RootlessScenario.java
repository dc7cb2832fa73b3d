// Child JVM for RootlessUserNamespaceMountTest: the default direct mount inside a user namespace.
package io.github.fusespringboot.mount;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;

import io.github.fusespringboot.mount.natives.Native;
import ru.serce.jnrfuse.examples.HelloFuse;

/**
 * {@code RootlessScenario <root directory> <result file>}: mounts jnr-fuse's {@code HelloFuse} with
 * the default strategy (direct), reads through it, records what the mount looks like from inside the
 * namespace (mountinfo's options, the owner of its root), does the same with {@code allow_other}, then
 * writes {@code ready} (its pid) next to the result file and, once the test has looked at the mounts
 * from outside and written a byte to its standard input (or closed it), unmounts both. The result is a properties
 * file. Meant to run as a normal user in {@code unshare -Urm}.
 */
public final class RootlessScenario {

    private RootlessScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path resultFile = Path.of(args[1]);
        Properties result = new Properties();
        result.setProperty("uid", Integer.toString(Native.effectiveUid()));
        result.setProperty("uidMap", Files.readString(Path.of("/proc/self/uid_map")).trim().replaceAll("\\s+", " "));
        try (MountManager manager = new MountManager()) {
            HelloFuse fs = new HelloFuse();
            FuseMount plain = mountAndRead(manager, fs, root, "plain", List.of(), result);
            FuseMount allowOther = mountAndRead(manager, fs, root, "allowOther", List.of("allow_other"), result);
            // both mounted: the test looks at them from outside the namespace, then says go on stdin
            Path ready = Files.writeString(resultFile.resolveSibling("ready.tmp"),
                    Long.toString(ProcessHandle.current().pid()));
            Files.move(ready, resultFile.resolveSibling("ready"), StandardCopyOption.ATOMIC_MOVE);
            // any byte or the end of stdin; the test bounds the whole child, so this cannot hang
            System.in.read();
            unmount(plain, result);
            unmount(allowOther, result);
        }
        catch (Throwable ex) {
            result.setProperty("error", ex.toString());
            ex.printStackTrace();
        }
        result.setProperty("leaks", FuseTestExtension.leaks(root).toString());
        try (OutputStream out = Files.newOutputStream(resultFile)) {
            result.store(out, "rootless");
        }
        // daemon threads only; exit without waiting for idle pools
        System.exit(0);
    }

    private static FuseMount mountAndRead(MountManager manager, HelloFuse fs, Path root, String name,
            List<String> options, Properties result) throws Exception {
        Path dir = Files.createDirectory(root.resolve(name));
        MountSpec spec = MountSpec.builder(name, dir, fs).options(options).build();
        result.setProperty(name + ".strategy", spec.mountStrategy().name());
        FuseMount mount = manager.mount(spec);
        result.setProperty(name + ".state", mount.state().name());
        result.setProperty(name + ".read", Files.readString(dir.resolve("hello")));
        result.setProperty(name + ".rootOwner", Files.getOwner(dir).getName());
        result.setProperty(name + ".options", superOptions(dir));
        result.setProperty(name + ".type", MountTable.read().find(dir).orElseThrow().type());
        return mount;
    }

    private static void unmount(FuseMount mount, Properties result) throws Exception {
        mount.unmount();
        result.setProperty(mount.name() + ".after", mount.state().name());
        result.setProperty(mount.name() + ".stillMounted",
                Boolean.toString(MountTable.read().find(mount.mountPoint()).isPresent()));
    }

    /** The mount's super options in /proc/self/mountinfo (after the " - type source " separator). */
    private static String superOptions(Path dir) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && fields[4].equals(dir.toString())) {
                String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
                return after[after.length - 1];
            }
        }
        return "not found";
    }

}
