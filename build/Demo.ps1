<#
.SYNOPSIS
    The main job on an embedded default: imports the module and shows what it offers, then runs
    a node (the stand-in) through its lifecycle in a throw-away home folder.
#>
param(
    [string] $StandInPath,
    [string] $AnvilPath,
    [string] $ContractsPath
)

$ErrorActionPreference = 'Stop'
Import-Module FabstirHost
Get-Command -Module FabstirHost | Sort-Object Noun, Verb | Format-Table Name, CommandType -AutoSize

function Write-Step([string] $Text) {
    Write-Host ''
    Write-Host "== $Text" -ForegroundColor Cyan
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

# Starts the stand-in node detached, shows it ready, shows its log, stops it.
function Show-NodeLifecycle([string] $NodePath) {
    $demoHome = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-demo-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $demoHome | Out-Null
    $previousHome = $env:FABSTIR_HOME
    $env:FABSTIR_HOME = $demoHome
    try {
        Write-Step "A throw-away instance: FABSTIR_HOME=$demoHome"
        $model = Join-Path $demoHome 'tiny-vicuna-1b.q4_k_m.gguf'
        # Just the GGUF header: the stand-in checks the magic, it runs no inference.
        [IO.File]::WriteAllBytes($model, [byte[]] (0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0))
        $port = Get-FreePort
        Write-Host "Model file: $model"
        Write-Host "Node binary (the stand-in): $NodePath"

        Write-Step "Start-FabstirNode -ModelPath ... -Port $port -NodePath ...   (detached, waits for readiness)"
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $node = Start-FabstirNode -ModelPath $model -Port $port -NodePath $NodePath -Verbose
        Write-Host ("Ready after {0:0.0} s; the supervisor (process {1}) keeps it running after this session." -f
            $clock.Elapsed.TotalSeconds, $node.SupervisorProcessId)

        Write-Step 'Get-FabstirNode'
        Get-FabstirNode | Format-Table | Out-Host

        Write-Step "Invoke-RestMethod $($node.LocalUrl)/health"
        Invoke-RestMethod "$($node.LocalUrl)/health" | ConvertTo-Json -Compress | Out-Host

        Write-Step 'Get-FabstirNodeLog -Tail 12   (colour codes stripped; -Raw keeps them)'
        Get-FabstirNodeLog -Tail 12 | Out-Host

        Write-Step 'Get-FabstirNode | Stop-FabstirNode -PassThru   (SIGINT first: the node says goodbye)'
        Get-FabstirNode | Stop-FabstirNode -PassThru | Format-Table | Out-Host
        Get-FabstirNodeLog -Tail 4 | Format-Table Time, Stream, Text -AutoSize | Out-Host
    }
    finally {
        try { Stop-FabstirNode -TimeoutSec 5 -ErrorAction Stop } catch { Write-Warning $_ }
        $env:FABSTIR_HOME = $previousHome
        Remove-Item -LiteralPath $demoHome -Recurse -Force -ErrorAction SilentlyContinue
    }
}

if ($StandInPath) {
    Show-NodeLifecycle -NodePath $StandInPath
}
