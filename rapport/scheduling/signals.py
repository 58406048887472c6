"""What scheduling announces, so higher apps react without scheduling importing them.

Both are sent inside the booking or cancelling transaction, with ``appointment``.
"""

from django.dispatch import Signal

appointment_booked = Signal()
appointment_cancelled = Signal()
