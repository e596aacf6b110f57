using System.Management.Automation;
using FabstirHost.Core.Config;

namespace FabstirHost.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the saved configuration of this FabstirHost instance.</para>
    /// <para type="description">Reads config.json from the home folder (FABSTIR_HOME, else ~/.fabstir). The file holds no secrets. Nothing is written when the file is missing.</para>
    /// </summary>
    /// <example>
    /// <code>Get-FabstirHostConfig | Select-Object PublicUrl, ApiPort, Models</code>
    /// <para>Shows the public URL, the API port and the models this host is configured with.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FabstirHostConfig")]
    [OutputType(typeof(HostConfig))]
    public sealed class GetFabstirHostConfigCommand : FabstirCmdlet
    {
        protected override void EndProcessing()
        {
            HostConfig? config = Invoke(() => HostConfigStore.Load(Paths));
            if (config == null)
            {
                WriteVerbose($"No configuration at '{Paths.ConfigFile}'.");
                return;
            }

            WriteObject(config);
        }
    }
}
