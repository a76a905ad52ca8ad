"""Command centre (区街两级协调指挥): events from every channel, classified, routed, worked and answered."""
