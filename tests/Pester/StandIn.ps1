# Starts and stops the stand-in node for the Pester tests (dot-sourced). Every process started here
# is killed by Stop-TestStandIn, which the tests call from AfterAll.

function Get-FreeTcpPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Any, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-TestStandIn {
    param([hashtable] $Environment = @{})

    $folder = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-pester-node-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $folder | Out-Null
    $model = Join-Path $folder 'tiny.gguf'
    [IO.File]::WriteAllBytes($model, [byte[]](0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0) + [byte[]]::new(56))
    $settings = @{
        MODEL_PATH = $model; API_PORT = "$(Get-FreeTcpPort)"; P2P_PORT = "$(Get-FreeTcpPort)"
        FABSTIR_STANDIN_LOAD_MS = '0'
    }
    foreach ($key in $Environment.Keys) { $settings[$key] = $Environment[$key] }

    $start = [Diagnostics.ProcessStartInfo]::new($env:FABSTIR_TEST_STANDIN)
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    foreach ($key in $settings.Keys) { $start.Environment[$key] = $settings[$key] }
    $process = [Diagnostics.Process]::Start($start)
    $process.BeginOutputReadLine()
    $process.BeginErrorReadLine()

    $address = $settings['FABSTIR_STANDIN_BIND_ADDRESS']
    if (-not $address) { $address = '127.0.0.1' }
    $node = [pscustomobject]@{
        Process = $process; Folder = $folder; Model = $model
        ApiPort = [int] $settings.API_PORT; P2PPort = [int] $settings.P2P_PORT
        Url = "http://$address`:$($settings.API_PORT)"
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-FabstirEndpoint $node.Url -TimeoutSec 1 -WarningAction SilentlyContinue)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            Stop-TestStandIn $node
            throw "The stand-in node did not answer at $($node.Url)."
        }

        Start-Sleep -Milliseconds 50
    }

    return $node
}

function Stop-TestStandIn {
    param($Node)

    if (-not $Node) { return }
    if (-not $Node.Process.HasExited) {
        $Node.Process.Kill($true)
        $Node.Process.WaitForExit()
    }

    $Node.Process.Dispose()
    Remove-Item $Node.Folder -Recurse -Force -ErrorAction SilentlyContinue
}
