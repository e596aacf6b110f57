using System.Runtime.Versioning;

// The tests drive real processes with POSIX signals, file modes and network namespaces, so they
// run on Linux and macOS only.
[assembly: UnsupportedOSPlatform("windows")]
