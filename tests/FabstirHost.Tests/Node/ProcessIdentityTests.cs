using FabstirHost.Core.Node;
using Xunit;

namespace FabstirHost.Tests.Node
{
    public sealed class ProcessIdentityTests
    {
        [Fact]
        public void The_current_process_is_alive_under_its_own_start_token()
        {
            string? token = ProcessIdentity.StartToken(Environment.ProcessId);
            Assert.NotNull(token);
            Assert.Equal(ProcessLiveness.Alive, ProcessIdentity.Check(Environment.ProcessId, token));
        }

        [Fact]
        public void The_same_id_with_another_start_time_is_a_reused_id()
        {
            Assert.Equal(ProcessLiveness.Reused, ProcessIdentity.Check(Environment.ProcessId, "12345"));
        }

        [Fact]
        public void An_id_nobody_has_is_gone()
        {
            Assert.Equal(ProcessLiveness.Gone, ProcessIdentity.Check(int.MaxValue - 1, "1"));
        }
    }
}
