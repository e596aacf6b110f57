// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./TestOwnable.sol";

interface ITestEarningsToken {
    function transfer(address to, uint256 amount) external returns (bool);
}

/// @notice Where a host's income accumulates (address 0 = ETH). Authorised callers credit it,
/// hosts withdraw it. Live, this is a UUPS proxy; here the state lives in the contract itself.
contract TestHostEarnings is TestOwnable {
    error ReentrancyGuardReentrantCall();
    error SafeERC20FailedOperation(address token);

    event EarningsCredited(address indexed host, address indexed token, uint256 amount, uint256 newBalance);
    event EarningsWithdrawn(address indexed host, address indexed token, uint256 amount, uint256 remainingBalance);
    event CallerAuthorized(address indexed caller, bool authorized);

    mapping(address => bool) public authorizedCallers;
    mapping(address => mapping(address => uint256)) private _earnings;
    bool private _entered;

    modifier nonReentrant() {
        if (_entered) {
            revert ReentrancyGuardReentrantCall();
        }
        _entered = true;
        _;
        _entered = false;
    }

    receive() external payable {
        require(authorizedCallers[msg.sender], "Not authorized to credit earnings");
    }

    function setAuthorizedCaller(address caller, bool authorized) external onlyOwner {
        authorizedCallers[caller] = authorized;
        emit CallerAuthorized(caller, authorized);
    }

    /// @notice Records income the caller has already paid in (ETH through receive, tokens by transfer).
    function creditEarnings(address host, uint256 amount, address token) external {
        require(authorizedCallers[msg.sender], "Not authorized to credit earnings");
        _earnings[host][token] += amount;
        emit EarningsCredited(host, token, amount, _earnings[host][token]);
    }

    function getBalance(address host, address token) external view returns (uint256) {
        return _earnings[host][token];
    }

    function getBalances(address host, address[] calldata tokens) external view returns (uint256[] memory balances) {
        balances = new uint256[](tokens.length);
        for (uint256 i = 0; i < tokens.length; i++) {
            balances[i] = _earnings[host][tokens[i]];
        }
    }

    function withdraw(uint256 amount, address token) external nonReentrant {
        require(amount > 0, "Amount must be positive");
        require(_earnings[msg.sender][token] >= amount, "Insufficient earnings");
        _payOut(token, amount);
    }

    function withdrawAll(address token) external nonReentrant {
        uint256 amount = _earnings[msg.sender][token];
        require(amount > 0, "No earnings to withdraw");
        _payOut(token, amount);
    }

    function withdrawMultiple(address[] calldata tokens) external nonReentrant {
        for (uint256 i = 0; i < tokens.length; i++) {
            uint256 amount = _earnings[msg.sender][tokens[i]];
            if (amount > 0) {
                _payOut(tokens[i], amount);
            }
        }
    }

    function _payOut(address token, uint256 amount) private {
        uint256 remaining = _earnings[msg.sender][token] - amount;
        _earnings[msg.sender][token] = remaining;
        if (token == address(0)) {
            (bool sent, ) = payable(msg.sender).call{value: amount}("");
            require(sent, "ETH transfer failed");
        } else {
            (bool ok, bytes memory result) =
                token.call(abi.encodeCall(ITestEarningsToken.transfer, (msg.sender, amount)));
            if (!ok || (result.length > 0 && !abi.decode(result, (bool)))) {
                revert SafeERC20FailedOperation(token);
            }
        }
        emit EarningsWithdrawn(msg.sender, token, amount, remaining);
    }
}
