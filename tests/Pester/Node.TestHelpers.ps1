# Shared by the node cmdlets' Pester files: a throw-away FABSTIR_HOME with a GGUF model and free
# ports, and a clean-up that leaves no supervisor or node process behind.

function Test-PortFree([int] $Port) {
    try {
        $tcp = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Any, $Port)
        $tcp.Start()
        $tcp.Stop()
        $udp = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Any, $Port))
        $udp.Dispose()
        return $true
    }
    catch {
        return $false
    }
}

# Below Linux's ephemeral range (32768-60999), whose ports outgoing connections take at any
# moment, and apart from the runs the xUnit tests hand out (20000-32000).
function Get-FreePortRange([int] $Count = 4) {
    for ($attempt = 0; $attempt -lt 200; $attempt++) {
        $start = Get-Random -Minimum 10000 -Maximum 19900
        if (@($start..($start + $Count - 1) | Where-Object { -not (Test-PortFree $_) }).Count -eq 0) {
            return $start
        }
    }

    throw "No run of $Count free ports found."
}

function New-NodeTestHome {
    $path = Join-Path ([IO.Path]::GetTempPath()) ('fabstir-pester-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $path | Out-Null
    $model = Join-Path $path 'tiny.gguf'
    [IO.File]::WriteAllBytes($model, [byte[]] (0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0))
    $env:FABSTIR_HOME = $path
    [pscustomobject]@{
        Home  = $path
        Model = $model
        Port  = Get-FreePortRange 4
        Node  = $env:FABSTIR_TEST_STANDIN
    }
}

# Processes whose current folder is inside the home: the supervisor (home) and the node (home/node).
function Get-ProcessInHome([string] $Path) {
    foreach ($entry in Get-ChildItem /proc -Directory -ErrorAction SilentlyContinue) {
        if ($entry.Name -notmatch '^\d+$') { continue }
        try {
            $cwd = (Get-Item -LiteralPath "/proc/$($entry.Name)/cwd" -Force -ErrorAction Stop).LinkTarget
        }
        catch {
            continue
        }

        if ($cwd -and ($cwd -eq $Path -or $cwd.StartsWith("$Path/"))) {
            $stat = Get-Content "/proc/$($entry.Name)/stat" -Raw -ErrorAction SilentlyContinue
            if ($stat -and $stat.Substring($stat.LastIndexOf(')') + 2, 1) -ne 'Z') { [int] $entry.Name }
        }
    }
}

function Wait-NothingInHome([string] $Path, [int] $TimeoutSec = 10) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (@(Get-ProcessInHome $Path).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) {
        Start-Sleep -Milliseconds 50
    }

    @(Get-ProcessInHome $Path)
}

function Remove-NodeTestHome($TestHome) {
    if (-not $TestHome) { return }
    try { Stop-FabstirNode -TimeoutSec 2 -ErrorAction Stop -WarningAction SilentlyContinue } catch { }
    foreach ($id in Get-ProcessInHome $TestHome.Home) {
        Stop-Process -Id $id -Force -ErrorAction SilentlyContinue
    }

    # Only the folder this helper created under the temp folder.
    if ($TestHome.Home.StartsWith([IO.Path]::GetTempPath()) -and $TestHome.Home -like '*fabstir-pester-*') {
        Remove-Item -LiteralPath $TestHome.Home -Recurse -Force -ErrorAction SilentlyContinue
    }

    Remove-Item Env:FABSTIR_HOME -ErrorAction SilentlyContinue
}

function New-NodeWrapper($TestHome, [string] $Assignment) {
    $wrapper = Join-Path $TestHome.Home 'node-wrapper.sh'
    Set-Content -LiteralPath $wrapper -Value "#!/bin/sh`n$Assignment exec '$($TestHome.Node)' `"`$@`"`n" -NoNewline
    chmod +x $wrapper
    $wrapper
}
