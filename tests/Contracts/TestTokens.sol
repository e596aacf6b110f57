// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A plain ERC20 for the local chain. Anyone may mint: it exists only for tests and the
/// demo. Failures use OpenZeppelin 5's custom errors, so clients decode the same data as live.
contract TestErc20 {
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error ERC20InvalidReceiver(address receiver);

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    constructor(string memory tokenName, string memory tokenSymbol, uint8 tokenDecimals) {
        name = tokenName;
        symbol = tokenSymbol;
        decimals = tokenDecimals;
    }

    function mint(address to, uint256 amount) external {
        if (to == address(0)) {
            revert ERC20InvalidReceiver(to);
        }
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed < amount) {
            revert ERC20InsufficientAllowance(msg.sender, allowed, amount);
        }
        allowance[from][msg.sender] = allowed - amount;
        _transfer(from, to, amount);
        return true;
    }

    function _transfer(address from, address to, uint256 amount) private {
        if (to == address(0)) {
            revert ERC20InvalidReceiver(to);
        }
        uint256 balance = balanceOf[from];
        if (balance < amount) {
            revert ERC20InsufficientBalance(from, balance, amount);
        }
        balanceOf[from] = balance - amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}

/// @notice The FAB staking token: 18 decimals.
contract TestFabToken is TestErc20("Fabstir Token", "FAB", 18) {}

/// @notice A stand-in for USDC: 6 decimals.
contract TestUsdcToken is TestErc20("USD Coin", "USDC", 6) {}
