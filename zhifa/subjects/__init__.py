"""Regulated subjects (监管对象): market subjects and other inspection objects, their violations and events."""
