using System.Net.Sockets;

namespace FabstirHost.StandInNode
{
    /// <summary>Socket failures worded as Rust's std::io::Error displays them.</summary>
    internal static class OsError
    {
        public static string Describe(SocketException exception) => exception.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse => "Address already in use (os error 98)",
            SocketError.AccessDenied => "Permission denied (os error 13)",
            SocketError.AddressNotAvailable => "Cannot assign requested address (os error 99)",
            _ => $"{exception.Message} (os error {exception.NativeErrorCode})",
        };
    }
}
