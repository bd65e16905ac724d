using System.Net;
using System.Net.Sockets;

namespace FlowAutomation.Server.Tests.Support;

/// <summary>
/// A loopback port that refuses every connection for as long as this lives: a socket bound to a port the OS picks,
/// never listening (a connection to it is answered with a reset), and without address reuse, so no other socket can
/// bind that port meanwhile. A port found free and let go again could be taken by another test's server before the
/// connection is tried, and the "cannot connect" the test expects would become an answer.
/// </summary>
internal sealed class RefusedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusedPort()
    {
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c> followed by <paramref name="path"/>.</summary>
    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_socket.LocalEndPoint!).Port}{path}";

    public void Dispose() => _socket.Dispose();
}
