<#
.SYNOPSIS
    Measures the node lifecycle against baselines taken in the same run: readiness latency,
    early-exit failure latency, the module's import time, and the supervisor's memory and CPU
    under a flood of output (every line accounted for in the log files).
.NOTES
    Run by 'build.ps1 -Task Bench' after a build; needs FABSTIR_TEST_STANDIN and FABSTIR_TEST_MODULE.
#>
param(
    [int] $Runs = 7,
    [int] $FloodLinesPerSecond = 20000,
    [int] $FloodSeconds = 10,
    # The old tool waits this long for its line whatever happens; measured once, for real.
    [int] $OldToolDeadlineSec = 60
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module $env:FABSTIR_TEST_MODULE -Force
. (Join-Path $PSScriptRoot '../tests/Pester/Node.TestHelpers.ps1')
$standIn = $env:FABSTIR_TEST_STANDIN

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)]
}

function Write-Figure([string] $Name, [string] $Value, [string] $Baseline, [string] $Target) {
    Write-Host ('{0,-44} {1,-22} baseline: {2,-26} target: {3}' -f $Name, $Value, $Baseline, $Target)
}

# The time the supervisor read the first log line that matches, as UTC.
function Get-LogLineTime([string] $Pattern) {
    $line = Get-FabstirNodeLog -Tail 100000 | Where-Object Text -Match $Pattern | Select-Object -First 1
    if (-not $line) { throw "No log line matches '$Pattern'." }
    $line.Time
}

function Get-PwshCommand {
    $pwsh = (Get-Process -Id $PID).Path
    $prefix = @()
    if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
    [pscustomobject]@{ Path = $pwsh; Prefix = $prefix }
}

# Runs the stand-in directly under sh, its output to a file, as the old tool did.
function Start-BareNode($TestHome, [string] $Environment, [string] $Output) {
    $script = Join-Path $TestHome.Home 'bare-node.sh'
    Set-Content -LiteralPath $script -Value "$Environment exec '$standIn' > '$Output' 2>&1"
    Start-Process sh -ArgumentList $script -PassThru
}

function Wait-Banner([string] $Output, [int] $TimeoutSec) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (Select-String -LiteralPath $Output -Pattern 'Fabstir LLM Node is running' -Quiet -ErrorAction SilentlyContinue) {
            return $true
        }

        Start-Sleep -Milliseconds 500
    }

    $false
}

function Measure-Readiness {
    $latencies = foreach ($run in 1..$Runs) {
        $t = New-NodeTestHome
        try {
            Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $standIn | Out-Null
            $returned = [DateTime]::UtcNow
            ($returned - (Get-LogLineTime 'Fabstir LLM Node is running')).TotalMilliseconds
        }
        finally {
            Remove-NodeTestHome $t
        }
    }

    # Baseline: the old tool's way, polling the node's output for the banner (here every 500 ms).
    $baseline = foreach ($run in 1..3) {
        $t = New-NodeTestHome
        $output = Join-Path $t.Home 'stdout.txt'
        $environment = "MODEL_PATH='$($t.Model)' API_PORT=$($t.Port) P2P_PORT=$($t.Port + 1)"
        $node = Start-BareNode $t $environment $output
        try {
            if (-not (Wait-Banner $output 60)) { throw "The bare stand-in did not get ready: $(Get-Content $output -Raw)" }
            ([DateTime]::UtcNow - (Get-Item $output).LastWriteTimeUtc).TotalMilliseconds
        }
        finally {
            Stop-Process -Id $node.Id -Force -ErrorAction SilentlyContinue
            Remove-NodeTestHome $t
        }
    }

    Write-Figure 'Readiness latency (last marker -> return)' ('{0:0} ms median' -f (Get-Median $latencies)) `
        ('{0:0} ms median (500 ms polling)' -f (Get-Median $baseline)) '< 100 ms'
}

function Measure-FailureLatency {
    $latencies = foreach ($run in 1..$Runs) {
        $t = New-NodeTestHome
        try {
            $wrapper = New-NodeWrapper $t 'MODEL_PATH=/nonexistent/gone.gguf'
            try {
                Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $wrapper -ErrorAction Stop | Out-Null
                throw 'The start should have failed.'
            }
            catch {
                if ($_.FullyQualifiedErrorId -notlike 'NodeExitedEarly,*') { throw }
            }

            $failed = [DateTime]::UtcNow
            ($failed - (Get-LogLineTime 'Error: Model file not found')).TotalMilliseconds
        }
        finally {
            Remove-NodeTestHome $t
        }
    }

    # Baseline: the old tool waits for the banner line with a fixed deadline and ignores the exit.
    $t = New-NodeTestHome
    try {
        $output = Join-Path $t.Home 'stdout.txt'
        $node = Start-BareNode $t 'MODEL_PATH=/nonexistent/gone.gguf' $output
        $node.WaitForExit()
        $exited = (Get-Item $output).LastWriteTimeUtc
        $null = Wait-Banner $output $OldToolDeadlineSec
        $baseline = ([DateTime]::UtcNow - $exited).TotalMilliseconds
    }
    finally {
        Remove-NodeTestHome $t
    }

    Write-Figure 'Failure latency (node exit -> error)' ('{0:0} ms median' -f (Get-Median $latencies)) `
        ('{0:0} ms (old tool, {1} s deadline)' -f $baseline, $OldToolDeadlineSec) '< 300 ms'
}

function Measure-Import {
    $folder = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-bench-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $folder | Out-Null
    try {
        $minimal = Join-Path $folder 'Minimal.dll'
        Add-Type -OutputAssembly $minimal -TypeDefinition @'
using System.Management.Automation;
[Cmdlet(VerbsCommon.Get, "Minimal")]
public sealed class GetMinimalCommand : PSCmdlet
{
    protected override void EndProcessing() { WriteObject(1); }
}
'@
        $pwsh = Get-PwshCommand
        $measure = {
            param([string] $Module)
            $script = "`$c = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$Module'; `$ms = `$c.Elapsed.TotalMilliseconds; " +
                "`$n = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -like 'Nethereum*' }).Count; `"`$ms `$n`""
            & $pwsh.Path @($pwsh.Prefix + @('-NoProfile', '-NonInteractive', '-Command', $script))
        }

        $fabstir = @(); $baseline = @(); $nethereum = 0
        foreach ($run in 1..$Runs) {
            $ms, $count = (& $measure $env:FABSTIR_TEST_MODULE) -split ' '
            $fabstir += [double] $ms
            $nethereum = [Math]::Max($nethereum, [int] $count)
            $baseline += [double] ((& $measure $minimal) -split ' ')[0]
        }

        $extra = (Get-Median $fabstir) - (Get-Median $baseline)
        Write-Figure 'Import-Module FabstirHost, extra time' ('{0:0} ms ({1:0} ms total)' -f $extra, (Get-Median $fabstir)) `
            ('{0:0} ms minimal binary module' -f (Get-Median $baseline)) '< 150 ms extra'
        Write-Host ('{0,-44} {1}' -f 'Nethereum assemblies loaded by the import', $nethereum)
    }
    finally {
        Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Get-ProcessTicks([int] $Id) {
    $stat = Get-Content "/proc/$Id/stat" -Raw
    $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
    [long] $fields[11] + [long] $fields[12]
}

function Get-ProcessRssMb([int] $Id) {
    $line = Get-Content "/proc/$Id/status" | Where-Object { $_ -like 'VmRSS:*' }
    [double] ($line -replace '[^0-9]', '') / 1024
}

function Measure-Flood {
    $t = New-NodeTestHome
    try {
        $node = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $standIn -Environment @{
            FABSTIR_STANDIN_FLOOD_LINES_PER_SEC = "$FloodLinesPerSecond"; FABSTIR_STANDIN_FLOOD_SECONDS = "$FloodSeconds" }
        $supervisor = $node.SupervisorProcessId
        $ticks = Get-ProcessTicks $supervisor
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $peakRss = 0
        $live = Join-Path $t.Home 'node/logs/node.log'
        $deadline = [DateTime]::UtcNow.AddSeconds($FloodSeconds * 4 + 30)
        while (-not (Select-String -LiteralPath $live -Pattern 'flood done' -Quiet) -and [DateTime]::UtcNow -lt $deadline) {
            $peakRss = [Math]::Max($peakRss, (Get-ProcessRssMb $supervisor))
            Start-Sleep -Milliseconds 200
        }

        $cpu = (Get-ProcessTicks $supervisor) - $ticks
        $seconds = $clock.Elapsed.TotalSeconds
        $cpuPercent = 100 * ($cpu / 100) / $seconds

        # Every line accounted for: each n in 1..total exactly once, across the rotated files.
        $seen = [System.Collections.Generic.HashSet[int]]::new()
        $duplicates = 0; $total = 0
        foreach ($file in Get-ChildItem (Join-Path $t.Home 'node/logs') -Filter 'node*.log') {
            foreach ($line in [IO.File]::ReadLines($file.FullName)) {
                if ($line -match 'flood done (\d+)') { $total = [int] $Matches[1] }
                elseif ($line -match 'flood (\d+)$') { if (-not $seen.Add([int] $Matches[1])) { $duplicates++ } }
            }
        }

        $missing = $total - $seen.Count
        $files = @(Get-ChildItem (Join-Path $t.Home 'node/logs') -Filter 'node*.log').Count
        Start-Sleep -Seconds 2
        $idleTicks = Get-ProcessTicks $supervisor
        Start-Sleep -Seconds 3
        $idleCpu = 100 * (((Get-ProcessTicks $supervisor) - $idleTicks) / 100) / 3
        $idleRss = Get-ProcessRssMb $supervisor

        Write-Figure "Supervisor CPU, $FloodLinesPerSecond lines/s for $FloodSeconds s" ('{0:0.0} % of a core' -f $cpuPercent) `
            ('{0:0.0} % idle (same process)' -f $idleCpu) 'lines all kept'
        Write-Figure 'Supervisor resident memory' ('{0:0} MB peak' -f $peakRss) ('{0:0} MB after the flood' -f $idleRss) '-'
        Write-Figure 'Flood lines in the log files' ("$($seen.Count) of $total") "$missing missing, $duplicates twice" "all, in $files files"
    }
    finally {
        Remove-NodeTestHome $t
    }
}

Write-Host "Node lifecycle benchmarks ($Runs runs where repeated; stand-in: $standIn)"
Measure-Readiness
Measure-FailureLatency
Measure-Import
Measure-Flood
