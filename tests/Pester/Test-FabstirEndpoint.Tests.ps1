BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'StandIn.ps1')
    $script:fqidSuffix = ',FabstirHost.Commands.TestFabstirEndpointCommand'
    $script:node = Start-TestStandIn

    # A listener whose connections the kernel completes but nobody ever answers.
    $script:silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $script:silent.Start()
    $script:silentUrl = "http://127.0.0.1:$($script:silent.LocalEndpoint.Port)"
    $script:closedUrl = "http://127.0.0.1:$(Get-FreeTcpPort)"
}

AfterAll {
    $script:silent.Stop()
    Stop-TestStandIn $script:node
}

Describe 'Test-FabstirEndpoint' {
    It 'returns $true for a running node' {
        Test-FabstirEndpoint $node.Url -WarningAction SilentlyContinue | Should -BeExactly $true
    }

    It 'details the health, version, latency and addresses of a running node' {
        $result = Test-FabstirEndpoint $node.Url -Detailed -WarningAction SilentlyContinue
        $result.Reachable | Should -BeTrue
        $result.StatusCode | Should -Be 200
        $result.HealthStatus | Should -Be 'degraded'
        $result.HealthIssues | Should -Be @('No P2P node available')
        $result.NodeVersion | Should -Match '^\d+\.\d+\.\d+$'
        $result.Latency.TotalMilliseconds | Should -BeGreaterThan 0
        $result.Addresses.IPAddressToString | Should -Be @('127.0.0.1')
        $result.Failure | Should -Be 'None'
    }

    It 'shows results as a table' {
        $text = Test-FabstirEndpoint $node.Url, $closedUrl -Detailed -WarningAction SilentlyContinue |
            Out-String -Width 200
        $text | Should -Match 'Url\s+Reachable\s+Status\s+Health\s+Version\s+Ms\s+Failure'
        $text | Should -Match 'True\s+200\s+degraded'
        $text | Should -Match 'ConnectionRefused: '
    }

    It 'keeps the path of the URL (the node serves none, so it is not a node there)' {
        $result = Test-FabstirEndpoint "$($node.Url)/x/node1" -Detailed -WarningAction SilentlyContinue
        $result.HealthUrl.AbsolutePath | Should -Be '/x/node1/health'
        $result.Failure | Should -Be 'NotFabstirNode'
        $result.StatusCode | Should -Be 404
    }

    It 'returns $false for a closed port and gives the reason in the verbose stream' {
        $verbose = Test-FabstirEndpoint $closedUrl -TimeoutSec 2 -Verbose -WarningAction SilentlyContinue 4>&1
        $verbose | Where-Object { $_ -is [bool] } | Should -BeExactly $false
        ($verbose | Where-Object { $_ -is [Management.Automation.VerboseRecord] }) -join "`n" |
            Should -Match 'refused the connection'
    }

    It 'reports a listener that never answers as timed out, within the timeout' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Test-FabstirEndpoint $silentUrl -TimeoutSec 1 -Detailed -WarningAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 1.8
        $result.GetType().Name | Should -Be 'FabstirEndpointResult'
        $result.Failure | Should -Be 'TimedOut'
        $result.Reachable | Should -BeFalse
        $result.FailureMessage | Should -Match 'no HTTP answer'
    }

    It 'names a host that does not resolve' {
        $result = Test-FabstirEndpoint 'https://node.example.invalid' -Detailed
        $result.Failure | Should -Be 'NameNotResolved'
    }

    It 'treats a host that only looks like an IP address as a name, with no local-only warning' {
        $result = Test-FabstirEndpoint 'http://10.1.2./' -Detailed -TimeoutSec 2 -WarningVariable warnings
        $result.Failure | Should -Be 'NameNotResolved'
        $result.FailureMessage | Should -Match "the name '10\.1\.2\.'"
        $result.IsLocalOnly | Should -BeFalse
        $warnings | Should -BeNullOrEmpty
    }

    It 'sums many local-only URLs up in one warning' {
        $urls = 1..5 | ForEach-Object { "$closedUrl/node$_" }
        $results = Test-FabstirEndpoint $urls -TimeoutSec 1 -WarningVariable warnings -WarningAction SilentlyContinue
        @($results).Count | Should -Be 5
        @($warnings).Count | Should -Be 1
        $warnings[0] | Should -Match '^5 of the URLs can only be reached'
    }

    It 'refuses port 0 before probing anything' {
        { Test-FabstirEndpoint 'http://127.0.0.1:0' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEndpointUrl,FabstirHost.Commands.TestFabstirEndpointCommand'
    }

    It 'never shows the password of a URL in the verbose stream, the warning or the result' {
        $url = $node.Url -replace '^http://', 'http://operator:s3cret@'
        $output = Test-FabstirEndpoint $url, 'http://operator:s3cret@127.0.0.1:1/' -Detailed -Verbose `
            -TimeoutSec 2 *>&1
        $results = $output | Where-Object { $_ -is [FabstirHost.Core.Network.FabstirEndpointResult] }
        $results.Reachable | Should -Be @($true, $false)
        $results[1].Url.ToString() | Should -Be 'http://…@127.0.0.1:1/'
        $output | Where-Object { $_ -is [Management.Automation.WarningRecord] } | Should -Not -BeNullOrEmpty
        ($output | ForEach-Object { "$_" }) -join "`n" | Should -Not -Match 's3cret'
        ($results | Format-List * | Out-String) | Should -Not -Match 's3cret'
        $null = Test-FabstirEndpoint 'http://operator:s3cret@127.0.0.1:99999/' -ErrorVariable problem `
            -ErrorAction SilentlyContinue
        "$problem $($problem.TargetObject)" | Should -Match '…@127\.0\.0\.1:99999'
        "$problem $($problem.TargetObject)" | Should -Not -Match 's3cret'
    }

    It 'never shows the values of the query of a URL in the verbose stream or the result' {
        $url = $node.Url.TrimEnd('/') + '/?token=AbcSecret999'
        $output = Test-FabstirEndpoint $url -Detailed -Verbose -TimeoutSec 2 *>&1
        $result = $output | Where-Object { $_ -is [FabstirHost.Core.Network.FabstirEndpointResult] }
        $result.Reachable | Should -BeTrue
        $result.Url.ToString() | Should -Be ($node.Url.TrimEnd('/') + '/?token=…')
        ($output | ForEach-Object { "$_" }) -join "`n" | Should -Not -Match 'AbcSecret999'
        ($result | Format-List * | Out-String) | Should -Not -Match 'AbcSecret999'
    }

    It 'says which port is out of range before probing anything' {
        $results = Test-FabstirEndpoint 'http://127.0.0.1:99999/', 'https://node.example.com:70000' `
            -ErrorVariable problems -ErrorAction SilentlyContinue
        $results | Should -BeNullOrEmpty
        $problems.FullyQualifiedErrorId | Should -Be @("InvalidEndpointUrl$fqidSuffix", "InvalidEndpointUrl$fqidSuffix")
        $problems[0].Exception.Message | Should -Match 'port 99999 is outside 1–65535'
        $problems[1].Exception.Message | Should -Match 'port 70000 is outside 1–65535'
    }

    It 'warns that a loopback or localhost URL is local only' {
        $null = Test-FabstirEndpoint $closedUrl -TimeoutSec 1 -WarningVariable warnings `
            -WarningAction SilentlyContinue
        $warnings | Should -Match 'only be reached from this machine'
        $byName = $closedUrl -replace '127.0.0.1', 'localhost'
        $result = Test-FabstirEndpoint $byName -Detailed -WarningAction SilentlyContinue
        $result.IsLocalOnly | Should -BeTrue
        $result.LocalOnlyReason | Should -Match 'localhost'
    }

    It 'probes an array of URLs concurrently and answers in their order' {
        $urls = @($silentUrl, 'https://a.invalid', $closedUrl, $silentUrl)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = Test-FabstirEndpoint $urls -TimeoutSec 1 -Detailed -WarningAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 1.8
        $results.Failure | Should -Be @('TimedOut', 'NameNotResolved', 'ConnectionRefused', 'TimedOut')
    }

    It 'takes URLs from the pipeline, as strings or as Url and PublicUrl properties' {
        $fromStrings = 'https://a.invalid', 'https://b.invalid' | Test-FabstirEndpoint -Detailed
        $fromStrings.Url.Host | Should -Be @('a.invalid', 'b.invalid')
        $registration = [pscustomobject]@{ PublicUrl = 'https://c.invalid/x/node1'; Address = '0x1' }
        $fromProperty = $registration | Test-FabstirEndpoint -Detailed
        $fromProperty.HealthUrl.AbsoluteUri | Should -Be 'https://c.invalid/x/node1/health'
        ([pscustomobject]@{ Url = 'https://d.invalid' } | Test-FabstirEndpoint) | Should -BeExactly $false
    }

    It 'writes a non-terminating error for a URL that is not a node URL and goes on' {
        $results = Test-FabstirEndpoint 'ftp://x', 'https://a.invalid' -ErrorVariable problems `
            -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be "InvalidEndpointUrl$fqidSuffix"
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $problems[0].TargetObject | Should -Be 'ftp://x'
        { Test-FabstirEndpoint 'node.example.com:8080' -ErrorAction Stop } |
            Should -Throw -ErrorId "InvalidEndpointUrl$fqidSuffix"
    }

    It 'refuses a timeout out of range' {
        { Test-FabstirEndpoint $closedUrl -TimeoutSec 0 } |
            Should -Throw -ErrorId "ParameterArgumentValidationError$fqidSuffix"
    }
}
