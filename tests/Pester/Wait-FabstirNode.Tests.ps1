BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
}

Describe 'Wait-FabstirNode' {
    BeforeEach {
        $script:t = New-NodeTestHome
    }

    AfterEach {
        Remove-NodeTestHome $script:t
    }

    It 'returns at once when the node is already stopped and -Stopped is asked' {
        (Wait-FabstirNode -Stopped -TimeoutSec 5).Status | Should -Be 'Stopped'
    }

    It 'times out with its own error when the node does not get ready' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        { Wait-FabstirNode -TimeoutSec 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NodeWaitTimeout,FabstirHost.Commands.WaitFabstirNodeCommand' -ExpectedMessage '*not Ready within 1 s*Stopped*'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
    }

    It 'waits through a restart until the node is ready again' {
        $node = Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -RestartDelaySec 1 -Environment @{
            FABSTIR_STANDIN_CRASH_AFTER_READY_MS = '300' }
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ((Get-FabstirNode).Status -eq 'Ready' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }

        $again = $node | Wait-FabstirNode -TimeoutSec 30

        $again.Status | Should -Be 'Ready'
        $again.RestartCount | Should -BeGreaterOrEqual 1
    }

    It 'fails at once when waiting for Ready and the supervisor gave up' {
        Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node -MaxRestarts 1 -RestartDelaySec 0.1 -Environment @{
            FABSTIR_STANDIN_CRASH_AFTER_READY_MS = '500' } | Out-Null
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-FabstirNode).Status -ne 'CrashLoop' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }

        { Wait-FabstirNode -TimeoutSec 30 -ErrorAction Stop } |
            Should -Throw -ErrorId 'NodeCrashLoop,FabstirHost.Commands.WaitFabstirNodeCommand'
        Wait-NothingInHome $t.Home | Should -BeNullOrEmpty
    }
}
