<#
.SYNOPSIS
    Benchmarks Test-FabstirEndpoint: concurrency against silent listeners, and the cost of one probe
    of a live local node compared with curl in the same run.

.DESCRIPTION
    Needs the module and the stand-in node built (build.ps1 -Task Bench does both and sets
    FABSTIR_TEST_MODULE and FABSTIR_TEST_STANDIN). Every address used is on loopback.

    1. Concurrency: 200 URLs, half of them listeners that accept and never answer, half the live
       stand-in (reached at 127.0.0.1 to 127.0.0.100), one Test-FabstirEndpoint call with a 2 s
       timeout. Probed one after the other the silent half alone would take 100 x 2 s = 200 s; the
       target is under 2 x one timeout.
    2. Overhead: the median of repeated probes of the stand-in's /health. Compared: the in-process
       probe (EndpointProbe.ProbeAsync called directly: /health then /v1/version, each on its own
       connection), the cmdlet call (Test-FabstirEndpoint, same work plus the pipeline), and curl
       (a new process doing one GET of /health, measured from outside, and curl's own time_total).
#>
[CmdletBinding()]
param(
    [int] $Runs = 50,
    [int] $Urls = 200,
    [int] $TimeoutSec = 2
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $env:FABSTIR_TEST_MODULE -Force

function Get-FreeTcpPort {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Any, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

function Start-StandIn {
    $folder = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-bench-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $folder | Out-Null
    $model = Join-Path $folder 'bench.gguf'
    [IO.File]::WriteAllBytes($model, [byte[]](0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0) + [byte[]]::new(56))
    $apiPort = Get-FreeTcpPort
    $start = [Diagnostics.ProcessStartInfo]::new($env:FABSTIR_TEST_STANDIN)
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.Environment['MODEL_PATH'] = $model
    $start.Environment['API_PORT'] = "$apiPort"
    $start.Environment['P2P_PORT'] = "$(Get-FreeTcpPort)"
    $start.Environment['FABSTIR_STANDIN_LOAD_MS'] = '0'
    $process = [Diagnostics.Process]::Start($start)
    # Drain the pipes so the node never blocks on a full one.
    $process.BeginOutputReadLine()
    $process.BeginErrorReadLine()
    $url = "http://127.0.0.1:$apiPort"
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-FabstirEndpoint $url -TimeoutSec 1 -WarningAction SilentlyContinue)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            throw "The stand-in node did not answer at $url (exited: $($process.HasExited))."
        }
    }

    [pscustomobject]@{ Process = $process; Url = $url; Port = $apiPort; Folder = $folder }
}

$node = $null
$silent = [Collections.Generic.List[Net.Sockets.TcpListener]]::new()
try {
    $node = Start-StandIn
    Write-Host "Stand-in node pid $($node.Process.Id) at $($node.Url)"

    # 1. Concurrency.
    $half = [int]($Urls / 2)
    $list = [Collections.Generic.List[string]]::new()
    for ($i = 1; $i -le $half; $i++) {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $silent.Add($listener)
        $list.Add("http://127.0.0.$i`:$($node.Port)")
        $list.Add("http://127.0.0.1:$($listener.LocalEndpoint.Port)")
    }

    $clock = [Diagnostics.Stopwatch]::StartNew()
    $results = Test-FabstirEndpoint $list -TimeoutSec $TimeoutSec -Detailed -WarningAction SilentlyContinue
    $elapsed = $clock.Elapsed.TotalSeconds
    $reachable = @($results | Where-Object Reachable).Count
    $timedOut = @($results | Where-Object Failure -eq 'TimedOut').Count
    $sequential = $half * $TimeoutSec
    Write-Host ''
    $throttle = [FabstirHost.Core.Network.EndpointProbe]::DefaultMaxParallel
    Write-Host "Concurrency: $($list.Count) URLs ($half live, $half silent), timeout $TimeoutSec s, throttle $throttle"
    Write-Host ('  one Test-FabstirEndpoint call:  {0:0.000} s  ({1} reachable, {2} timed out)' -f
        $elapsed, $reachable, $timedOut)
    Write-Host ('  ratio to one timeout:           {0:0.00} x  (target < 2 x)' -f ($elapsed / $TimeoutSec))
    Write-Host ('  sequential would take at least: {0} s  (speed-up {1:0} x)' -f
        $sequential, ($sequential / $elapsed))
    if ($reachable -ne $half -or $timedOut -ne $half) { Write-Warning 'Unexpected outcomes: see above.' }
    if ($elapsed -ge 2 * $TimeoutSec) { Write-Warning "The call took $elapsed s: not under 2 x the timeout." }

    # 2. Overhead of one probe against curl, same URL, same run, after one warm-up of each.
    $uri = [Uri] $node.Url
    $timeout = [TimeSpan]::FromSeconds(5)
    $none = [Threading.CancellationToken]::None
    $probeClass = [FabstirHost.Core.Network.EndpointProbe]
    # Warm-up: the first calls pay for JIT compilation, which a median of few runs would still show.
    for ($i = 0; $i -lt 20; $i++) {
        $null = $probeClass::ProbeAsync($uri, $timeout, $none).GetAwaiter().GetResult()
        $null = Test-FabstirEndpoint $node.Url -WarningAction SilentlyContinue
    }

    $null = & curl -s "$($node.Url)/health"
    $inProcess = [double[]]::new($Runs)
    $cmdlet = [double[]]::new($Runs)
    $curlProcess = [double[]]::new($Runs)
    $curlTotal = [double[]]::new($Runs)
    for ($i = 0; $i -lt $Runs; $i++) {
        $clock.Restart()
        $probe = $probeClass::ProbeAsync($uri, $timeout, $none).GetAwaiter().GetResult()
        $inProcess[$i] = $clock.Elapsed.TotalMilliseconds
        if (-not $probe.Reachable) { throw "Probe failed: $($probe.FailureMessage)" }

        $clock.Restart()
        $null = Test-FabstirEndpoint $node.Url -WarningAction SilentlyContinue
        $cmdlet[$i] = $clock.Elapsed.TotalMilliseconds

        $clock.Restart()
        $seconds = & curl -s -o /dev/null -w '%{time_total}' "$($node.Url)/health"
        $curlProcess[$i] = $clock.Elapsed.TotalMilliseconds
        $curlTotal[$i] = [double]::Parse($seconds, [Globalization.CultureInfo]::InvariantCulture) * 1000
    }

    $probeMedian = Get-Median $inProcess
    $curlMedian = Get-Median $curlProcess
    Write-Host ''
    Write-Host "One probe of the live stand-in at $($node.Url), median of $Runs runs:"
    $row = '  {0,-70} {1,8:0.000} ms'
    Write-Host ($row -f 'EndpointProbe.ProbeAsync, in process (GET /health + GET /v1/version):', $probeMedian)
    Write-Host ($row -f 'Test-FabstirEndpoint cmdlet call (same probe + pipeline):', (Get-Median $cmdlet))
    Write-Host ($row -f 'curl -s, whole process from spawn to exit (GET /health):', $curlMedian)
    Write-Host ($row -f 'curl -s, its own time_total (GET /health, no process start):', (Get-Median $curlTotal))
    Write-Host ('  in-process probe / curl process: {0:0.00} x;  per request against curl time_total: {1:0.00} x' -f
        ($probeMedian / $curlMedian), ($probeMedian / 2 / (Get-Median $curlTotal)))
}
finally {
    foreach ($listener in $silent) { $listener.Stop() }
    if ($node) {
        if (-not $node.Process.HasExited) { $node.Process.Kill($true); $node.Process.WaitForExit() }
        Remove-Item $node.Folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}
