using System.Management.Automation;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Tests a local model file against the ModelRegistry: GGUF format and SHA-256.</para>
    /// <para type="description">Checks that the file starts with the GGUF magic, finds its model (-Model, else the registry's model with the same file name), and compares the file's SHA-256, read in blocks with a progress bar (multi-GB files take minutes), with the hash on chain. Returns $true or $false; the reasons are written to the verbose stream. -Detailed returns an object with the expected and actual hashes instead.</para>
    /// </summary>
    /// <example>
    /// <code>Test-FabstirModel -Path ~/models/tinyllama-1b.Q4_K_M.gguf -Verbose</code>
    /// <para>Says whether the file is the approved model of that name, and why not.</para>
    /// </example>
    /// <example>
    /// <code>Get-ChildItem ~/models/*.gguf | Test-FabstirModel -Detailed</code>
    /// <para>Checks every model file in a folder.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "FabstirModel")]
    [OutputType(typeof(bool), typeof(FabstirModelTest))]
    public sealed class TestFabstirModelCommand : FabstirChainCmdlet
    {
        private ChainProfile? _profile;

        /// <summary>
        /// <para type="description">The model file; accepts the FullName of piped files.</para>
        /// </summary>
        [Parameter(
            Mandatory = true,
            Position = 0,
            ValueFromPipeline = true,
            ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "ModelPath")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; } = "";

        /// <summary>
        /// <para type="description">The model to compare with, as repo:file or 0x model id; default: found by the file name.</para>
        /// </summary>
        [Parameter]
        public string? Model { get; set; }

        /// <summary>
        /// <para type="description">Returns the details (hashes, model, reason) instead of $true or $false.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Detailed { get; set; }

        protected override void BeginProcessing()
        {
            _profile = ResolveChainProfile();
        }

        protected override void ProcessRecord()
        {
            string path = GetUnresolvedProviderPathFromPSPath(Path);
            var chain = new FabstirChain(_profile!, Log);
            FabstirModelTest result = Run(token => ModelCheck.TestAsync(chain, path, Model, Log, token));
            if (Detailed)
            {
                WriteObject(result);
            }
            else
            {
                WriteObject(result.Passed);
            }
        }
    }
}
